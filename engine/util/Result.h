#pragma once

#include <QMetaType>
#include <QString>

#include <utility>
#include <variant>

namespace hostdeck::engine {

/// What went wrong, in the categories the UI and the fan-out report.
enum class ErrorKind
{
    Usage,       ///< bad input from the user (argument, file, pattern)
    NotFound,    ///< a file, tool or interpreter does not exist
    Unreachable, ///< cannot connect / transport could not start
    Auth,        ///< authentication refused
    HostKey,     ///< unknown or changed host key
    Timeout,     ///< a deadline passed
    Remote,      ///< the agent or a tool raised
    Connection,  ///< the session broke (EOF, process exit)
    Protocol,    ///< malformed frame or handshake
    Cancelled,   ///< cancelled by the user
    Keychain,    ///< secret store unavailable or refused
    Io,          ///< local file system error
};

QString errorKindName(ErrorKind kind);

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
