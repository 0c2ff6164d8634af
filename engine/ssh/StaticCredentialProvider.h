#pragma once

#include "engine/ssh/CredentialProvider.h"

#include <QHash>
#include <QList>

#include <memory>

namespace hostdeck::engine {

/// Answers from values given in code (tests, CLI with secrets piped in). Never reads the
/// environment. Replies are delivered from the event loop, like a real prompt's.
class StaticCredentialProvider : public CredentialProvider
{
public:
    /// Sets the secret for `kind`; empty host/user match any.
    void setSecret(CredentialKind kind, SecretBuffer secret, const QString& host = {},
                   const QString& user = {});
    void clear();

    void requestSecret(const CredentialRequest& request, QObject* context,
                       CredentialReply reply) override;
    void secretRejected(const CredentialRequest& request) override;

    /// Requests seen so far (no secrets in them).
    const QList<CredentialRequest>& requests() const { return m_requests; }
    int rejectedCount() const { return m_rejected; }

private:
    struct Entry
    {
        CredentialKind kind;
        QString host;
        QString user;
        std::shared_ptr<SecretBuffer> secret;
    };
    std::vector<Entry> m_entries;
    QList<CredentialRequest> m_requests;
    int m_rejected = 0;
};

} // namespace hostdeck::engine
