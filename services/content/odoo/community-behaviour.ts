import { idsOf, updateRecords, type BehaviourRegistry, type CallContext, type MethodSpec, type ModelInfo } from '../../../odoo-bridge/orm/index.ts';
import { readSelf, recordsMethod } from '../../kit/index.ts';
import { onQueryable } from '../db/sql-runner.ts';
import { addLikes, checkLikes, type PostLikeChecks } from '../domain/post-likes.ts';
import { hidePosts } from '../domain/post-moderation.ts';
import type { ContentBehaviourOptions } from './behaviour-options.ts';
import { checkedThenBeside } from './counter-calls.ts';

/** Python's reads of `self` and the write ACL, through the engine (read ACL, MissingError, read rules). */
function rpcLikeChecks(ctx: CallContext, behaviours: BehaviourRegistry, model: ModelInfo): PostLikeChecks {
  return {
    read: async (ids) => void (await readSelf(ctx, behaviours, model, 'community_posts', ids, ['like_count'])),
    mayWrite: async () => ctx.access.checkModel(model, 'write'),
  };
}

/**
 * hp.community.post.action_like (`for post in self: post.like_count += 1; return True`): the
 * checks in the call's transaction, the atomic increment and post_liked beside it
 * (counter-calls.ts). The write record rules are not asked: content's rules let members write
 * only their own posts, and a like of another member's post is the method's purpose, not an edit
 * (MIGRATION.md); the read rules are, so nobody likes a post they may not see.
 */
function actionLike(behaviours: BehaviourRegistry, options: ContentBehaviourOptions): MethodSpec {
  return {
    api: 'records',
    signature: { qualname: 'HpCommunityPost.action_like', params: [] },
    run: (ctx, model, _args, ids) => checkedThenBeside(
      ctx,
      (tx) => checkLikes(rpcLikeChecks(tx, behaviours, model), idsOf(ids)),
      async (on, times) => void (await addLikes(onQueryable(on.db), options.events(on), times, on.uid)),
    ),
  };
}

/**
 * hp_community's Python (M11, hp_community/models/hp_community_post.py) on the ORM engine, the
 * same on both sides of the cut: action_like (domain/post-likes.ts, which REST runs too) and
 * action_hide (`self.write({'state': 'hidden'})`: the engine's write with its ACL and record rules,
 * domain/post-moderation.ts). hp.comment has no method of its own.
 */
export function registerCommunityBehaviours(behaviours: BehaviourRegistry, options: ContentBehaviourOptions): BehaviourRegistry {
  behaviours.register('hp.community.post', {
    methods: {
      action_like: actionLike(behaviours, options),
      action_hide: recordsMethod('HpCommunityPost.action_hide', [], (ctx, model, ids) =>
        hidePosts(async (targets, vals) => void (await updateRecords({ ctx, behaviours }, model, [...targets], vals)), ids)),
    },
  });
  return behaviours;
}

/** The business methods hp_community defines (CONTENT_BUSINESS_METHODS' line). */
export const COMMUNITY_BUSINESS_METHODS = { 'hp.community.post': ['action_like', 'action_hide'] } as const;
