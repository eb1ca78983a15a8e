// How a claim commits its leases.
#pragma once

namespace webhookd {

/// A lease is a note that a worker has a handler run in hand, not data
/// anyone may lose: a claim's commit need not wait for its WAL to reach the
/// disk. Should PostgreSQL lose the lease in a crash, the row is
/// simply claimable again, and whatever the worker then records is refused
/// by its `lease_owner` condition. Anything committed durably afterwards
/// flushes the lease's WAL with its own. Local to the claim's transaction.
inline constexpr const char* kLeaseCommitSql = "SET LOCAL synchronous_commit = off";

}  // namespace webhookd
