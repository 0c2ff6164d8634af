#pragma once

#include <QByteArray>

#include <memory>

namespace hostdeck::engine {

/// Incremental SHA-256 (libcrypto underneath: uses the CPU's SHA instructions when present).
class Sha256
{
public:
    Sha256();
    ~Sha256();
    Sha256(Sha256&&) noexcept;
    Sha256& operator=(Sha256&&) noexcept;

    void addData(const char* data, qsizetype size);
    void addData(const QByteArray& data) { addData(data.constData(), data.size()); }
    /// Lower-case hex digest; the object is spent afterwards.
    QByteArray hexDigest();

private:
    struct State;
    std::unique_ptr<State> m_state;
};

} // namespace hostdeck::engine
