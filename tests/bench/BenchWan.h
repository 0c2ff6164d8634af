#pragma once

namespace hostdeck::bench {

struct Fleet;

/// bench_fanout's WAN part: the fleet reached through a delay proxy (DelayProxy: half the
/// round-trip time added to each direction; the TCP connect itself is not delayed, so a real
/// network adds one more round trip to every tool alike). For every host count and RTT: the wall
/// time of a cold run and of a warm call, and round trips as wall / RTT, for Hostdeck and its
/// peers side by side; the round trips from the slope between the two RTTs; Hostdeck's count by
/// the proxy itself (the causal chain of chunks, independent of load).
///
/// HOSTDECK_BENCH_WAN picks how much:
///   unset, "short": 1 host at 50 and 150 ms, Hostdeck and ssh (what CI runs, ~15 s)
///   "full":         1 and 50 hosts (or the fleet's size) at 50 and 150 ms, with ssh /
///                   parallel-ssh and Ansible (pipelining), cold and warm (a few minutes)
///   "off":          nothing
/// Returns false when Hostdeck did not work through the proxy.
bool runWan(Fleet& fleet, int reps);

} // namespace hostdeck::bench
