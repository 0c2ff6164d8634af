#include "ui/template/TemplateVariablesPane.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonValue>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalBlocker>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace hostdeck::ui {

namespace {

QString valueText(const QVariant& value)
{
    const QJsonValue json = QJsonValue::fromVariant(value);
    if (json.isObject())
        return QString::fromUtf8(QJsonDocument(json.toObject()).toJson(QJsonDocument::Compact));
    if (json.isArray())
        return QString::fromUtf8(QJsonDocument(json.toArray()).toJson(QJsonDocument::Compact));
    if (json.isString())
        return json.toString();
    if (json.isNull())
        return QStringLiteral("null");
    if (json.isBool())
        return json.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    return value.toString();
}

} // namespace

TemplateVariablesPane::TemplateVariablesPane(QWidget* parent)
    : QWidget(parent), m_host(new QComboBox(this)),
      m_renderOnHost(new QCheckBox(tr("Render on this host"), this)),
      m_refresh(new QPushButton(tr("Refresh facts"), this)), m_factsState(new QLabel(this)),
      m_tree(new QTreeWidget(this)), m_extra(new QPlainTextEdit(this)),
      m_extraError(new QLabel(this))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* hostRow = new QHBoxLayout;
    auto* hostLabel = new QLabel(tr("&Host:"), this);
    hostLabel->setBuddy(m_host);
    m_host->setObjectName(QStringLiteral("hostBox"));
    m_host->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    hostRow->addWidget(hostLabel);
    hostRow->addWidget(m_host, 1);
    hostRow->addWidget(m_refresh);
    layout->addLayout(hostRow);
    m_renderOnHost->setToolTip(tr("Off: the local agent renders with this host's variables (fast). "
                                  "On: the agent on the host renders (its Python, its modules)."));
    layout->addWidget(m_renderOnHost);
    m_factsState->setObjectName(QStringLiteral("factsState"));
    layout->addWidget(m_factsState);

    auto* precedence = new QLabel(tr("Precedence: facts < inventory < extra"), this);
    precedence->setObjectName(QStringLiteral("precedenceLabel"));
    precedence->setToolTip(TemplateVariables::precedenceText());
    precedence->setWhatsThis(TemplateVariables::precedenceText());
    layout->addWidget(precedence);

    m_tree->setObjectName(QStringLiteral("variablesTree"));
    m_tree->setColumnCount(3);
    m_tree->setHeaderLabels({tr("Variable"), tr("Value"), tr("Source")});
    m_tree->setRootIsDecorated(false);
    m_tree->setUniformRowHeights(true);
    m_tree->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_tree->setToolTip(TemplateVariables::precedenceText());
    layout->addWidget(m_tree, 2);

    auto* extraLabel = new QLabel(tr("&Extra variables (YAML or JSON, highest precedence):"), this);
    extraLabel->setBuddy(m_extra);
    layout->addWidget(extraLabel);
    m_extra->setObjectName(QStringLiteral("extraVars"));
    m_extra->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_extra->setPlaceholderText(QStringLiteral("port: 8080\nnames: [a, b]"));
    m_extra->setTabChangesFocus(true);
    layout->addWidget(m_extra, 1);
    m_extraError->setObjectName(QStringLiteral("extraError"));
    m_extraError->setWordWrap(true);
    QPalette errorPalette = m_extraError->palette();
    errorPalette.setColor(QPalette::WindowText, QColor(0xc6, 0x28, 0x28));
    m_extraError->setPalette(errorPalette);
    m_extraError->hide();
    layout->addWidget(m_extraError);

    setHosts({});
    connect(m_host, &QComboBox::currentIndexChanged, this,
            [this] { emit currentHostChanged(currentHost()); });
    connect(m_renderOnHost, &QCheckBox::toggled, this,
            &TemplateVariablesPane::renderLocationChanged);
    connect(m_refresh, &QPushButton::clicked, this, &TemplateVariablesPane::refreshFactsRequested);
    connect(m_extra, &QPlainTextEdit::textChanged, this, &TemplateVariablesPane::onExtraEdited);
}

void TemplateVariablesPane::setHosts(const QStringList& hosts)
{
    const QString previous = m_host->count() > 0 ? currentHost() : QString();
    {
        const QSignalBlocker blocker(m_host);
        m_host->clear();
        m_host->addItem(tr("this machine (local agent)"), QString());
        for (const QString& host : hosts)
            m_host->addItem(host, host);
        const int index = m_host->findData(previous);
        m_host->setCurrentIndex(index < 0 ? 0 : index);
    }
    if (currentHost() != previous)
        emit currentHostChanged(currentHost());
}

QString TemplateVariablesPane::currentHost() const
{
    return m_host->currentData().toString();
}

void TemplateVariablesPane::setCurrentHost(const QString& host)
{
    const int index = m_host->findData(host);
    if (index >= 0)
        m_host->setCurrentIndex(index);
}

bool TemplateVariablesPane::renderOnSelectedHost() const
{
    return m_renderOnHost->isChecked();
}

void TemplateVariablesPane::setVariables(const TemplateVariables& vars)
{
    const QVariantMap merged = vars.merged();
    m_tree->setUpdatesEnabled(false);
    m_tree->clear();
    QList<QTreeWidgetItem*> items;
    items.reserve(merged.size());
    for (auto it = merged.cbegin(); it != merged.cend(); ++it) {
        const QString source = it.key() == QLatin1String("facts") &&
                                       !vars.inventory.contains(it.key()) &&
                                       !vars.extra.contains(it.key())
                                   ? tr("facts (all)")
                                   : TemplateVariables::sourceName(vars.sourceOf(it.key()));
        auto* item = new QTreeWidgetItem(QStringList{it.key(), valueText(it.value()), source});
        item->setToolTip(1, valueText(it.value()).left(2000));
        items.append(item);
    }
    m_tree->addTopLevelItems(items);
    m_tree->setUpdatesEnabled(true);
}

void TemplateVariablesPane::setFactsState(const QString& text)
{
    m_factsState->setText(text);
}

QString TemplateVariablesPane::extraText() const
{
    return m_extra->toPlainText();
}

void TemplateVariablesPane::setExtraText(const QString& text)
{
    m_extra->setPlainText(text);
}

engine::Result<QVariantMap> TemplateVariablesPane::extraVariables() const
{
    return TemplateVariables::parseExtra(m_extra->toPlainText());
}

void TemplateVariablesPane::onExtraEdited()
{
    const engine::Result<QVariantMap> parsed = extraVariables();
    m_extraError->setVisible(!parsed.ok());
    m_extraError->setText(parsed.ok() ? QString() : parsed.error().message);
    emit extraVariablesChanged();
}

} // namespace hostdeck::ui
