#pragma once

#include "template/TemplateOutcome.h"
#include "template/TemplateService.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QPointer>

namespace hostdeck::ui {

/// A diff (check) or deploy of one template to several hosts. Each host gets its own variables
/// (its facts, its inventory variables, the extra variables), so each host is its own run
/// through the fan-out; a host without cached facts has them gathered first.
class TemplateRollout final : public QObject
{
    Q_OBJECT
public:
    TemplateRollout(TemplateService* service, QList<TemplateRolloutHost> hosts, QString text,
                    QVariantMap extraVars, TemplateDeploySpec spec, bool check,
                    QObject* parent = nullptr);

    void start();
    bool isCheck() const { return m_check; }
    bool isFinished() const { return m_remaining == 0; }

signals:
    void hostFinished(const hostdeck::ui::TemplateOutcome& outcome);
    /// The same host's outcome as a run result (for the history), emitted just before hostFinished.
    void hostResult(const hostdeck::engine::HostResult& result);
    void finished();

private:
    void deployTo(const TemplateRolloutHost& host);
    void onFacts(const QString& host, const QString& error);
    void onDeployed(quint64 id, const engine::HostResult& result);
    void report(TemplateOutcome outcome);

    QPointer<TemplateService> m_service;
    QList<TemplateRolloutHost> m_hosts;
    QString m_text;
    QVariantMap m_extra;
    TemplateDeploySpec m_spec;
    bool m_check;
    int m_remaining = 0;
    QHash<QString, int> m_waitingForFacts; ///< host name -> index in m_hosts
    QHash<quint64, QString> m_calls;       ///< deploy run id -> host name
    QElapsedTimer m_clock;
};

} // namespace hostdeck::ui
