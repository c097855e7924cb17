import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulators, type Emulators } from '../../infra/local/emulators';
import { createAdmission } from '../../shared/outbound/admission/admission';
import { createAdmissionStore, type AdmissionStore } from '../../shared/outbound/admission/admission-store';
import { endpointState } from '../../shared/outbound/admission/endpoint-state';
import type { AdmissionSettings } from '../../shared/outbound/admission/policy';
import { deliver, type DeliveryOutcome } from '../../shared/outbound/deliver';
import { cancellableResolver } from '../../shared/outbound/transport/cancellable-resolver';
import { postWebhook } from '../../shared/outbound/transport/http-delivery';
import { createDeliveryHarness, type DeliveryHarness } from '../support/delivery-harness';
import { startDnsServer, type DnsServer } from '../support/dns-server';
import { respond, startReceiver, type Receiver } from '../support/receiver';

/**
 * Admission control on the real delivery path (dynalite, fauxqs, HTTP on loopback): the circuit
 * breaker opening, probing and closing under a clock the test moves, the per-endpoint concurrency
 * cap, a 429's Retry-After slowing the endpoint, the short first-try deadline of an endpoint not yet
 * proven, and a DNS server that never answers for one host not delaying another host's delivery in
 * the same batch.
 */

const SETTINGS: AdmissionSettings = {
  concurrencyCap: 3,
  breakerThreshold: 5,
  probeIntervalMs: 60_000,
  attemptTimeoutMs: 300,
  unprovenTimeoutMs: 300,
};

describe('Integration: fair delivery (admission control)', () => {
  let emulators: Emulators;
  let receiver: Receiver;
  let store: AdmissionStore;

  beforeAll(async () => {
    emulators = await startEmulators({ memory: true });
    receiver = await startReceiver();
  });

  afterAll(async () => {
    await receiver?.close();
    await emulators?.stop();
  });

  function harness(now: () => Date = () => new Date(), settings: AdmissionSettings = SETTINGS): DeliveryHarness {
    const created = createDeliveryHarness(emulators, { settings: { timeoutMs: settings.attemptTimeoutMs }, now });
    store = createAdmissionStore(created.documents, emulators.tables.webhooks);
    const admission = createAdmission({ store, settings, now, random: () => 0 });
    return { ...created, deps: { ...created.deps, admission } };
  }

  it(
    'opens the circuit after five timeouts, defers without dialling, probes once a minute and ' + 'closes on success',
    async () => {
      let clock = new Date('2026-12-01T00:00:00Z');
      const h = harness(() => clock);
      let answering = false;
      receiver.on('/breaker', (request, index, response) =>
        answering ? respond(200)(request, index, response) : undefined,
      );
      const endpoint = await h.addEndpoint('org_breaker', `${receiver.baseUrl}/breaker`);
      const deliverNext = async (n: number) => deliver(await h.addMessage(endpoint, `msg_breaker_${n}`), h.deps);

      const opening: DeliveryOutcome[] = [];
      for (let n = 1; n <= 5; n++) opening.push(await deliverNext(n));
      expect(opening.map((outcome) => outcome.kind === 'attempted' && outcome.circuitOpened)).toEqual([
        false,
        false,
        false,
        false,
        true,
      ]);
      expect(endpointState(endpoint, await store.read(endpoint.endpointId))).toEqual({
        status: 'circuit_open',
        reason: null,
        since: clock.toISOString(),
      });

      // Open: deferred without dialling, attempt number kept, back after the probe is due.
      h.sent.length = 0;
      expect(await deliverNext(6)).toEqual({ kind: 'deferred', reason: 'circuit_open' });
      expect(receiver.requestsTo('/breaker')).toHaveLength(5);
      expect(h.sent).toEqual([
        expect.objectContaining({ queue: 'delivery', task: expect.objectContaining({ attempt: 1 }), delaySeconds: 60 }),
      ]);

      // A minute on: exactly one of two concurrent tasks probes; the probe times out and re-arms.
      clock = new Date(clock.getTime() + 61_000);
      const probes = await Promise.all([deliverNext(7), deliverNext(8)]);
      expect(probes.map((outcome) => outcome.kind).sort()).toEqual(['attempted', 'deferred']);
      expect(receiver.requestsTo('/breaker')).toHaveLength(6);
      clock = new Date(clock.getTime() + 30_000);
      expect(await deliverNext(9)).toEqual({ kind: 'deferred', reason: 'circuit_open' });

      // The next probe succeeds and closes the circuit; deliveries flow again.
      answering = true;
      clock = new Date(clock.getTime() + 31_000);
      expect(await deliverNext(10)).toMatchObject({ kind: 'attempted', step: { kind: 'succeeded' } });
      expect(endpointState(endpoint, await store.read(endpoint.endpointId)).status).toBe('healthy');
      expect(await deliverNext(11)).toMatchObject({ kind: 'attempted', step: { kind: 'succeeded' } });
    },
  );

  it(
    'holds at most the concurrency cap in flight to one endpoint; a burst to a fast one waits its ' + 'turn in-process',
    async () => {
      const h = harness();
      let inFlight = 0;
      let highest = 0;
      receiver.on('/capped', (_request, _index, response: ServerResponse) => {
        inFlight++;
        highest = Math.max(highest, inFlight);
        setTimeout(() => {
          inFlight--;
          response.writeHead(200).end('ok');
        }, 200);
      });
      const endpoint = await h.addEndpoint('org_capped', `${receiver.baseUrl}/capped`);
      // Proven by a first success: only then is a full cap taken to free up any moment.
      expect(await deliver(await h.addMessage(endpoint, 'msg_capped_first'), h.deps)).toMatchObject({
        kind: 'attempted',
      });
      const tasks = await Promise.all(Array.from({ length: 10 }, (_, n) => h.addMessage(endpoint, `msg_capped_${n}`)));
      const outcomes = await Promise.all(tasks.map((task) => deliver(task, h.deps)));
      expect(highest).toBeGreaterThan(1);
      expect(highest).toBeLessThanOrEqual(SETTINGS.concurrencyCap);
      // A fast endpoint's leases free up within moments: the burst queued for them in-process, in turn.
      expect(outcomes.filter((outcome) => outcome.kind === 'attempted')).toHaveLength(tasks.length);
      expect(h.sent.filter((entry) => entry.task.attempt === 1)).toEqual([]);
      // Every lease was given back: the next task goes straight through.
      expect(await deliver(await h.addMessage(endpoint, 'msg_capped_after'), h.deps)).toMatchObject({
        kind: 'attempted',
      });
    },
  );

  it('takes back the leases of attempts that died, once they expire', async () => {
    const h = harness();
    const endpoint = await h.addEndpoint('org_orphans', `${receiver.baseUrl}/orphans`);
    const expired = Date.now() - 1;
    for (const lease of ['dead-1', 'dead-2', 'dead-3'])
      await store.acquireLease(endpoint.endpointId, lease, expired, SETTINGS.concurrencyCap);
    expect(await deliver(await h.addMessage(endpoint, 'msg_orphans'), h.deps)).toMatchObject({ kind: 'attempted' });
    expect(Object.keys((await store.read(endpoint.endpointId)).leases)).toEqual([]);
  });

  it("slows the endpoint down for a 429's Retry-After: later tasks wait on the queue, none is dialled", async () => {
    const h = harness();
    receiver.on('/busy', (_request, index, response) =>
      index === 0 ? response.writeHead(429, { 'retry-after': '120' }).end() : response.writeHead(200).end(),
    );
    const endpoint = await h.addEndpoint('org_busy', `${receiver.baseUrl}/busy`);
    expect(await deliver(await h.addMessage(endpoint, 'msg_busy_1'), h.deps)).toMatchObject({
      kind: 'attempted',
      statusCode: 429,
      step: { kind: 'retry' },
    });
    h.sent.length = 0;
    expect(await deliver(await h.addMessage(endpoint, 'msg_busy_2'), h.deps)).toEqual({
      kind: 'deferred',
      reason: 'slowed_down',
    });
    expect(receiver.requestsTo('/busy')).toHaveLength(1);
    expect(h.sent).toHaveLength(1);
    expect(h.sent[0]?.task.attempt).toBe(1);
    expect(h.sent[0]?.delaySeconds).toBeGreaterThanOrEqual(119);
  });

  it(
    'gives a first try to an endpoint not yet proven the short deadline, its retry the full one; a ' +
      'success proves the endpoint',
    async () => {
      const h = harness(undefined, { ...SETTINGS, attemptTimeoutMs: 3_000, unprovenTimeoutMs: 300 });
      receiver.on('/slow-new', (_request, _index, response: ServerResponse) => {
        setTimeout(() => response.writeHead(200).end('ok'), 800);
      });
      const endpoint = await h.addEndpoint('org_slow_new', `${receiver.baseUrl}/slow-new`);
      const first = await h.addMessage(endpoint, 'msg_slow_new_1');

      // Cut short at 300 ms: a timeout like any other, counted by the breaker, and a retry scheduled.
      const cut = await deliver(first, h.deps);
      expect(cut).toMatchObject({ kind: 'attempted', statusCode: null, step: { kind: 'retry' } });
      expect(cut.kind === 'attempted' && cut.durationMs).toBeLessThan(800);
      expect((await store.read(endpoint.endpointId)).consecutiveFailures).toBe(1);
      const retry = h.sent.find((sent) => sent.task.messageId === 'msg_slow_new_1')?.task;
      expect(retry).toMatchObject({ attempt: 2, notBefore: expect.any(String) });

      // The retry has the full deadline and succeeds; the endpoint saw the same webhook-id twice.
      const { notBefore: _due, ...retryNow } = retry!;
      expect(await deliver(retryNow, h.deps)).toMatchObject({ kind: 'attempted', step: { kind: 'succeeded' } });
      const ids = receiver.requestsTo('/slow-new').map((request) => request.headers['webhook-id']);
      expect(ids).toEqual(['msg_slow_new_1', 'msg_slow_new_1']);

      // Proven now: a first try of the next message gets the full deadline too.
      expect(await deliver(await h.addMessage(endpoint, 'msg_slow_new_2'), h.deps)).toMatchObject({
        kind: 'attempted',
        step: { kind: 'succeeded' },
      });
      expect((await store.read(endpoint.endpointId)).lastSucceededAt).toEqual(expect.any(Number));
    },
  );

  describe('DNS', () => {
    let dns: DnsServer;

    beforeAll(async () => {
      dns = await startDnsServer({ answers: { 'fast.test': '127.0.0.1' }, silent: ['silent.test'] });
    });

    afterAll(async () => {
      await dns?.close();
    });

    it("does not let a host whose DNS never answers delay another host's delivery in the same batch", async () => {
      const created = createDeliveryHarness(emulators, { settings: { timeoutMs: 3_000, dnsTimeoutMs: 1_000 } });
      const resolver = cancellableResolver({ timeoutMs: 1_000, servers: [dns.address] });
      const h = {
        ...created,
        deps: {
          ...created.deps,
          post: (post: Parameters<typeof postWebhook>[0]) => postWebhook({ ...post, resolver }),
        },
      };
      receiver.on('/dns', respond(200));
      const port = new URL(receiver.baseUrl).port;
      const silent = await Promise.all(
        Array.from({ length: 6 }, (_, n) => h.addEndpoint(`org_dns_silent_${n}`, `http://silent.test:${port}/dns`)),
      );
      const fast = await h.addEndpoint('org_dns_fast', `http://fast.test:${port}/dns`);
      const tasks = await Promise.all([
        ...silent.map((endpoint, n) => h.addMessage(endpoint, `msg_dns_silent_${n}`)),
        h.addMessage(fast, 'msg_dns_fast'),
      ]);
      const startedAt = Date.now();
      let fastDoneAfter = Number.POSITIVE_INFINITY;
      const outcomes = await Promise.all(
        tasks.map(async (task) => {
          const outcome = await deliver(task, h.deps);
          if (task.endpointId === fast.endpointId) fastDoneAfter = Date.now() - startedAt;
          return outcome;
        }),
      );
      expect(fastDoneAfter).toBeLessThan(900);
      expect(outcomes.at(-1)).toMatchObject({ kind: 'attempted', step: { kind: 'succeeded' } });
      expect(receiver.requestsTo('/dns')).toHaveLength(1);
      for (const endpoint of silent) {
        const { attempts } = await h.deps.messages.messageHistory(`msg_dns_silent_${silent.indexOf(endpoint)}`);
        expect(attempts).toEqual([
          expect.objectContaining({
            endpointId: endpoint.endpointId,
            status: 'failed',
            errorKind: 'dns_failure',
            errorMessage: expect.stringContaining('silent.test'),
          }),
        ]);
      }
      expect(dns.questions).toContain('silent.test');
    });
  });
});
