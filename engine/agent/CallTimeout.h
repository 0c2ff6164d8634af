#pragma once

#include <QJsonObject>

#include <chrono>

namespace hostdeck::engine {

/// How long to give one call, from its method's description (PROTOCOL.md §5: "timeout",
/// "timeout_param") and its arguments. The method's declared timeout replaces the run's default;
/// a parameter that holds a time limit the method enforces itself (Exec.run's `timeout`) extends
/// the deadline to that limit plus a margin (kTimeoutParamMargin, or a tenth of the limit if
/// more), so the method's own, more precise error comes first. 0 means no deadline.
std::chrono::milliseconds callTimeout(const QJsonObject& method, const QJsonObject& args,
                                      std::chrono::milliseconds runDefault);

inline constexpr std::chrono::milliseconds kTimeoutParamMargin{5000};

} // namespace hostdeck::engine
