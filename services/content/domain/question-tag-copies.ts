import type { ContentModuleHome } from '../db/content-home.ts';
import { knowledgeHome, qaHome } from '../db/content-home.ts';
import { onKysely } from '../db/sql-runner.ts';
import { existingTags } from './question-records.ts';

/** Where a request finds the rows of a module: its service database and the monolith's pool. */
type HomeContext = Parameters<ContentModuleHome['readerNow']>[0];

/** Longer than a sync's lag under load, short enough that a tag that exists nowhere is answered soon (the engine's copy wait is as long). */
const COPY_PATIENCE_MS = 3_000;

/**
 * Tags are M06's; a question names them wherever M12's rows are. M06 and M12 change owner on their
 * own, so the side a question is written on may hold only a copy of the tags, trailing the side that
 * owns them by a sync's lag: svc_content's copy (forward sync) while M06 is the monolith's, the
 * monolith's (reverse sync, behind its foreign key) while M06 is the service's. A client that made
 * a tag and tags a question with it at once (the cutover drill does) was answered 422 "does not
 * exist". So before the question's write, the tags that exist where M06 lives now are waited for
 * where the question is written (at most COPY_PATIENCE_MS, as the engine waits for copies and
 * read-your-writes holds a legacy write); a tag that exists nowhere is left to the route's 422.
 */
export async function awaitQuestionTagCopies(ctx: HomeContext, tagIds: readonly number[]): Promise<void> {
  if (!tagIds.length) return;
  const owned = await existingTags(onKysely(await knowledgeHome.readerNow(ctx)), tagIds);
  if (tagIds.some((id) => !owned.has(id))) return;
  const deadline = Date.now() + COPY_PATIENCE_MS;
  for (;;) {
    const copied = await existingTags(onKysely(await qaHome.readerNow(ctx)), tagIds);
    if (tagIds.every((id) => copied.has(id)) || Date.now() > deadline) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
