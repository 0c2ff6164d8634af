#pragma once

#include "engine/util/Result.h"

#include <QHash>
#include <QJsonObject>
#include <QVariantMap>

namespace hostdeck::ui {

/// The variables a template is rendered with, and where each comes from. Precedence, lowest
/// first: facts < inventory variables < extra variables; a later source replaces a key whole
/// (dicts are not merged, as Ansible does by default). All facts are also kept under `facts`
/// so a template can reach one that an inventory variable shadows.
struct TemplateVariables
{
    enum class Source
    {
        Fact,
        Inventory,
        Extra
    };

    QVariantMap facts;
    QVariantMap inventory;
    QVariantMap extra;

    QVariantMap merged() const;
    QJsonObject toJson() const { return QJsonObject::fromVariantMap(merged()); }
    /// Where the merged value of `key` comes from.
    Source sourceOf(const QString& key) const;

    static QString sourceName(Source source);
    /// The precedence as one sentence for labels and tooltips.
    static QString precedenceText();
    /// Extra variables typed by the user: a JSON object or a YAML mapping; empty text is {}.
    static engine::Result<QVariantMap> parseExtra(const QString& text);
};

} // namespace hostdeck::ui
