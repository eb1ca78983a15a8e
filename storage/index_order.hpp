// Planner settings for the claims that take the oldest rows of a queue index.
#pragma once

namespace webhookd {

/// A claim wants the few oldest rows of a partial queue index, in the
/// index's order. During a burst the table's statistics lag far behind the
/// queue: planned for a queue that looked nearly empty, a claim read every
/// queued row (a bitmap scan and a sort) instead of the first few index
/// entries, in every round. Local to the transaction, these settings leave
/// the planner only the index walk.
inline constexpr const char* kIndexOrderOnlySql = "SET LOCAL enable_bitmapscan = off; SET LOCAL enable_seqscan = off";

/// The session's settings again, for whatever else the transaction runs.
inline constexpr const char* kPlannerDefaultsSql =
    "SET LOCAL enable_bitmapscan TO DEFAULT; SET LOCAL enable_seqscan TO DEFAULT";

}  // namespace webhookd
