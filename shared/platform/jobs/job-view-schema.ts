import * as z from 'zod';
import { JOB_STATUSES } from './job';

/**
 * The API schema of a `JobView` of one kind: every job route (a sync, a replay, a recovery) answers
 * these fields, differing only in the kind and what the progress counts.
 */
export function jobViewSchema<Kind extends string, Progress extends z.ZodObject>(kind: Kind, progress: Progress) {
  return z.object({
    id: z.string(),
    kind: z.literal(kind),
    status: z.enum(JOB_STATUSES),
    createdAt: z.string(),
    updatedAt: z.string(),
    progress,
    error: z.string().optional(),
  });
}
