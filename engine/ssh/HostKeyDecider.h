#pragma once

#include <QObject>
#include <QString>

#include <functional>

namespace hostdeck::engine {

enum class HostKeyDecision
{
    Reject,
    AcceptOnce,    ///< trust for this connection only
    AcceptAndSave, ///< trust and append to known_hosts
};

/// An unknown host key shown to the user.
struct HostKeyQuestion
{
    QString host;
    quint16 port = 22;
    QString keyType;     ///< "ED25519", "ECDSA", "RSA"
    QString fingerprint; ///< "SHA256:..."
    QString knownHostsFile;
    QString target;       ///< the inventory host being reached (empty: the address)
    bool viaJump = false; ///< the key is a jump host's, on the way to `target`
};

/// The seam for the "unknown host key" decision (a GUI dialog, a test answer). Only unknown keys
/// are ever asked about: changed keys are refused without asking.
class HostKeyDecider
{
public:
    virtual ~HostKeyDecider() = default;
    /// `reply` runs later on `context`'s thread, exactly once unless `context` is destroyed first.
    virtual void decide(const HostKeyQuestion& question, QObject* context,
                        std::function<void(HostKeyDecision)> reply) = 0;
};

/// Gives the same answer every time (tests, `--host-keys` style batch decisions).
class FixedHostKeyDecider : public HostKeyDecider
{
public:
    explicit FixedHostKeyDecider(HostKeyDecision decision) : m_decision(decision) {}
    void decide(const HostKeyQuestion& question, QObject* context,
                std::function<void(HostKeyDecision)> reply) override;
    int questionCount() const { return m_questions; }

private:
    HostKeyDecision m_decision;
    int m_questions = 0;
};

} // namespace hostdeck::engine
