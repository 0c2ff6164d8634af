#pragma once
// One benchmark figure against its README target, printed as a line installer/test.sh collects
// from the CTest log for its closing summary:
//   FIGURE <name> <value> <unit> <target> met|missed
// Benchmarks print figures; they never pass or fail on timing (STYLE.md).
#include <cstdio>

namespace hostdeck::bench {

enum class Better
{
    Lower,
    Higher
};

/// Prints the line; returns whether the target was met.
inline bool figure(const char* name, double value, const char* unit, Better better, double target)
{
    const bool met = better == Better::Lower ? value <= target : value >= target;
    std::printf("FIGURE %s %.6g %s %s%.6g %s\n", name, value, unit,
                better == Better::Lower ? "<=" : ">=", target, met ? "met" : "missed");
    std::fflush(stdout);
    return met;
}

} // namespace hostdeck::bench
