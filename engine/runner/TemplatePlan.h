#pragma once

#include "engine/runner/RunRequest.h"

#include <QHash>
#include <QVariantMap>

namespace hostdeck::engine {

/// Where and how a rendered template is written (Template.deploy's arguments).
struct TemplateDeploySpec
{
    QString dest;
    QString mode;  ///< octal text such as "0644"; empty keeps the file's own
    QString owner; ///< empty keeps the file's own
    QString group;
    bool backup = false;
};

/// A template diff (check mode) or deploy to many hosts as one run: each host renders with its
/// own variables — its facts < its inventory variables < the extra variables (a later source
/// replaces a key whole; every fact is also under `facts`). Facts the caller already has are
/// used as they are; the others are gathered on the host first (a "facts" step, then "deploy").
class TemplatePlan final : public Plan
{
public:
    TemplatePlan(QString text, TemplateDeploySpec spec, QVariantMap extraVars);

    /// Facts known for `host` (the editor's cache): no Facts.all call for it.
    void setFacts(const QString& host, const QVariantMap& facts) { m_facts.insert(host, facts); }

    static QVariantMap mergeVars(const QVariantMap& facts, const QVariantMap& inventory,
                                 const QVariantMap& extra);
    QJsonObject deployArgs(const QVariantMap& vars) const;

    QString title() const override;
    QJsonObject toJson(const ToolCatalog& catalog) const override;
    Status validate(const ToolCatalog& catalog) const override;
    std::unique_ptr<HostProgram> programFor(const HostTarget& target) const override;

private:
    QString m_text;
    TemplateDeploySpec m_spec;
    QVariantMap m_extra;
    QHash<QString, QVariantMap> m_facts;
};

} // namespace hostdeck::engine
