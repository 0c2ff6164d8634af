#include "ui/template/TemplateVariables.h"

#include "engine/inventory/YamlConvert.h"
#include "engine/runner/TemplatePlan.h"

#include <QCoreApplication>
#include <QJsonDocument>

#include <yaml-cpp/yaml.h>

namespace hostdeck::ui {

using engine::ErrorKind;
using engine::makeError;

namespace {
QString tr(const char* text)
{
    return QCoreApplication::translate("hostdeck::ui::TemplateVariables", text);
}
} // namespace

QVariantMap TemplateVariables::merged() const
{
    return engine::TemplatePlan::mergeVars(facts, inventory, extra); // the rollout's own rule
}

TemplateVariables::Source TemplateVariables::sourceOf(const QString& key) const
{
    if (extra.contains(key))
        return Source::Extra;
    if (inventory.contains(key))
        return Source::Inventory;
    return Source::Fact;
}

QString TemplateVariables::sourceName(Source source)
{
    switch (source) {
    case Source::Fact:
        return tr("fact");
    case Source::Inventory:
        return tr("inventory");
    case Source::Extra:
        return tr("extra");
    }
    return {};
}

QString TemplateVariables::precedenceText()
{
    return tr("Precedence, lowest first: facts < inventory variables (all < groups < host) < extra "
              "variables. A later source replaces a variable whole. Every fact is also available "
              "as facts['name'].");
}

engine::Result<QVariantMap> TemplateVariables::parseExtra(const QString& text)
{
    if (text.trimmed().isEmpty())
        return QVariantMap{};
    QJsonParseError jsonError;
    const QJsonDocument json = QJsonDocument::fromJson(text.toUtf8(), &jsonError);
    if (jsonError.error == QJsonParseError::NoError) {
        if (!json.isObject())
            return makeError(ErrorKind::Usage,
                             tr("extra variables must be a JSON object or a YAML mapping"));
        return json.object().toVariantMap();
    }
    try { // yaml-cpp reports errors by exception: keep it inside this function
        const YAML::Node node = YAML::Load(text.toStdString());
        if (!node.IsMap())
            return makeError(ErrorKind::Usage,
                             tr("extra variables must be a JSON object or a YAML mapping"));
        return engine::detail::toVariant(node).toMap();
    } catch (const YAML::Exception& e) {
        return makeError(ErrorKind::Usage, tr("extra variables: line %1: %2")
                                               .arg(e.mark.line + 1)
                                               .arg(QString::fromStdString(e.msg)));
    }
}

} // namespace hostdeck::ui
