#pragma once

#include <QMetaType>
#include <QString>

#include <utility>
#include <variant>

namespace hostdeck::engine {

/// What went wrong, as data from the transport to the UI: nothing decides behaviour from message
/// text. The names (errorKindName) are the `error.kind` of the run record (docs/ARCHITECTURE.md).
enum class ErrorKind
{
    Usage,           ///< bad input from the user (option, file, pattern)
    InvalidArgument, ///< a tool argument refused on the controller before anything was sent
    NotFound,        ///< a file or tool does not exist
    Connect,         ///< cannot resolve / connect / start the transport
    Auth,            ///< authentication refused
    HostKeyUnknown,  ///< the host key is not in known_hosts and was not accepted
    HostKeyChanged,  ///< the host key differs from the one in known_hosts
    HostKeyRevoked,  ///< the host key is listed @revoked
    Bootstrap,       ///< the interpreter is missing, too old, or died before READY
    Become,          ///< sudo/su refused, or asked for a password there is none of
    Timeout,         ///< a call's own deadline (or the run's) passed
    NoAnswer,        ///< the liveness bound passed without a sign of life from the host
    Remote,          ///< the tool raised
    ConnectionLost,  ///< the session broke (EOF, process exit, SSH channel lost)
    Protocol,        ///< the host sent something the controller refuses (frame, limit)
    Cancelled,       ///< cancelled by the user
    Closed,          ///< the controller closed the session on purpose (idle, shutdown)
    Keychain,        ///< secret store unavailable or refused
    Io,              ///< local file system error
};

QString errorKindName(ErrorKind kind);
/// The kind named `name`; Remote for a name this build does not know.
ErrorKind errorKindFromName(const QString& name);
/// Kinds that mean the host had no working agent (connect, auth, host key, bootstrap, become,
/// liveness, lost connection, protocol): the record's status is `unreachable`.
bool isUnreachableKind(ErrorKind kind);

/// A user-facing error: a category and a message that names what was wrong and where.
struct Error
{
    ErrorKind kind = ErrorKind::Usage;
    QString message;
};

/// Minimal std::expected-style result (clang 14 + libstdc++ 12 have no usable <expected>).
template <typename T> class [[nodiscard]] Result
{
public:
    Result(T value) : m_data(std::move(value)) {}
    Result(Error error) : m_data(std::move(error)) {}

    bool ok() const { return m_data.index() == 0; }
    explicit operator bool() const { return ok(); }

    const T& value() const& { return std::get<0>(m_data); }
    T& value() & { return std::get<0>(m_data); }
    T&& value() && { return std::get<0>(std::move(m_data)); }
    const T& operator*() const& { return value(); }
    T& operator*() & { return value(); }
    const T* operator->() const { return &value(); }
    T* operator->() { return &value(); }

    const Error& error() const { return std::get<1>(m_data); }

private:
    std::variant<T, Error> m_data;
};

/// Result of an operation that yields nothing but may fail.
struct Ok
{
};
using Status = Result<Ok>;

inline Error makeError(ErrorKind kind, QString message)
{
    return Error{kind, std::move(message)};
}

} // namespace hostdeck::engine

Q_DECLARE_METATYPE(hostdeck::engine::Error)
