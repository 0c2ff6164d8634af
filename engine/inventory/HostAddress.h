#pragma once

#include <QString>

#include <optional>

namespace hostdeck::engine {

/// Ansible's reading of a host identifier with an optional port (its parse_address): `web1:2222`,
/// `[fe80::1]:2222`, `10.0.0.[1:9]:22`. A bare IPv6 address (`fe80::1`) has no port; a name that
/// is not a valid host name, IPv4 or IPv6 address (with ranges when allowed) is not an address.
struct HostAddress
{
    QString host;
    int port = -1; ///< -1: none given

    static std::optional<HostAddress> parse(const QString& text, bool allowRanges);
};

} // namespace hostdeck::engine
