#pragma once

#include <QByteArray>
#include <QString>

namespace hostdeck::engine {

/// Move-only holder for a password or passphrase. The bytes are wiped (volatile writes) when the
/// buffer is destroyed, cleared or moved from. It has no conversion to QString on purpose: callers
/// take `data()` for the one API call that needs it and nothing else keeps a copy.
class SecretBuffer
{
public:
    SecretBuffer() = default;
    explicit SecretBuffer(QByteArray utf8);
    static SecretBuffer fromString(QString text); ///< wipes `text`'s own storage too
    ~SecretBuffer();

    SecretBuffer(const SecretBuffer&) = delete;
    SecretBuffer& operator=(const SecretBuffer&) = delete;
    SecretBuffer(SecretBuffer&& other) noexcept;
    SecretBuffer& operator=(SecretBuffer&& other) noexcept;

    bool isEmpty() const { return m_bytes.isEmpty(); }
    qsizetype size() const { return m_bytes.size(); }
    const char* data() const { return m_bytes.constData(); } ///< NUL-terminated
    const QByteArray& bytes() const { return m_bytes; }
    SecretBuffer copy() const;
    void clear();

    static void wipe(QByteArray& bytes);
    static void wipe(QString& text);

private:
    QByteArray m_bytes;
};

} // namespace hostdeck::engine
