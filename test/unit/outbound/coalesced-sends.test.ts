import { describe, expect, it } from 'vitest';
import { coalesceSends } from '../../../shared/platform/aws/coalesced-sends';
import type { DelayedMessage } from '../../../shared/platform/aws/queue';

/** A queue that records each SendMessageBatch and refuses the bodies it is told to. */
function recordingQueue(refuse: (message: DelayedMessage) => boolean = () => false) {
  const batches: DelayedMessage[][] = [];
  return {
    batches,
    async sendEach(messages: readonly DelayedMessage[]) {
      batches.push([...messages]);
      return messages.map((message) => !refuse(message));
    },
  };
}

describe('coalesced sends', () => {
  it('sends what arrives in one turn of the event loop as SendMessageBatch requests of up to ten', async () => {
    const queue = recordingQueue();
    const sender = coalesceSends(queue);
    const messages = Array.from({ length: 23 }, (_, n) => ({ body: `task-${n}`, delaySeconds: n }));
    await Promise.all(messages.map((message) => sender.send(message)));
    expect(queue.batches.map((batch) => batch.length)).toEqual([10, 10, 3]);
    expect(queue.batches.flat()).toEqual(messages);

    // A later turn starts a new batch.
    await sender.send({ body: 'later', delaySeconds: 5 });
    expect(queue.batches.at(-1)).toEqual([{ body: 'later', delaySeconds: 5 }]);
  });

  it('fails only the sends the queue refused, and every send of a request that failed', async () => {
    const refusing = coalesceSends(recordingQueue((message) => message.body === 'refused'));
    const results = await Promise.allSettled(
      ['ok-1', 'refused', 'ok-2'].map((body) => refusing.send({ body, delaySeconds: 0 })),
    );
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);

    const broken = coalesceSends({
      sendEach: async () => {
        throw new Error('queue unreachable');
      },
    });
    const failed = await Promise.allSettled(['a', 'b'].map((body) => broken.send({ body, delaySeconds: 0 })));
    expect(failed.map((result) => result.status)).toEqual(['rejected', 'rejected']);
  });
});
