#include "ui/transfer/TransferDialog.h"

#include "ui/transfer/TransferPicker.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

namespace hostdeck::ui {

TransferDialog::TransferDialog(Mode mode, TransferPicker* picker, QWidget* parent)
    : QDialog(parent), m_mode(mode), m_picker(picker), m_targets(new QLineEdit(this)),
      m_remote(new QLineEdit(this)), m_checksum(new QCheckBox(this)),
      m_check(new QCheckBox(tr("Check only: list what would change, change nothing"), this)),
      m_error(new QLabel(this))
{
    const bool copy = mode == Mode::Copy;
    setObjectName(copy ? QStringLiteral("copyDialog") : QStringLiteral("fetchDialog"));
    setWindowTitle(copy ? tr("Copy files to hosts") : tr("Fetch from hosts"));
    m_targets->setObjectName(QStringLiteral("transferTargets"));
    m_targets->setPlaceholderText(tr("host pattern: web*, db:&prod, all"));
    m_remote->setObjectName(QStringLiteral("transferRemote"));
    m_remote->setPlaceholderText(copy ? tr("/srv/app/ (a folder the sources go into)")
                                      : tr("/etc/app.conf or /var/log/app"));
    m_checksum->setText(tr("Compare content even when size and time match"));
    m_check->setObjectName(QStringLiteral("transferCheckOnly"));
    m_error->setObjectName(QStringLiteral("transferError"));
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: palette(link-visited)"));

    auto* form = new QFormLayout;
    form->addRow(tr("&Targets:"), m_targets);
    if (copy) {
        form->addRow(tr("&Remote path:"), m_remote);
        m_fileMode = new QLineEdit(this);
        m_fileMode->setObjectName(QStringLiteral("transferMode"));
        m_fileMode->setPlaceholderText(tr("keep (e.g. 0644)"));
        m_owner = new QLineEdit(this);
        m_owner->setPlaceholderText(tr("keep"));
        m_group = new QLineEdit(this);
        m_group->setPlaceholderText(tr("keep"));
        form->addRow(tr("File &mode:"), m_fileMode);
        form->addRow(tr("&Owner:"), m_owner);
        form->addRow(tr("&Group:"), m_group);
    } else {
        form->addRow(tr("&Remote path:"), m_remote);
        m_localDir = new QLineEdit(this);
        m_localDir->setObjectName(QStringLiteral("transferLocalDir"));
        m_localDir->setPlaceholderText(tr("a local folder: each host's copy goes into HOST/"));
        m_browse = new QPushButton(tr("&Browse…"), this);
        m_browse->setObjectName(QStringLiteral("transferBrowse"));
        connect(m_browse, &QPushButton::clicked, this, [this] { pickSources(true); });
        auto* row = new QHBoxLayout;
        row->addWidget(m_localDir, 1);
        row->addWidget(m_browse);
        form->addRow(tr("&Into folder:"), row);
    }
    form->addRow(QString(), m_checksum);
    form->addRow(QString(), m_check);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_start = buttons->addButton(copy ? tr("&Copy") : tr("&Fetch"), QDialogButtonBox::AcceptRole);
    m_start->setObjectName(QStringLiteral("transferStart"));
    connect(buttons, &QDialogButtonBox::accepted, this, &TransferDialog::submit);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* layout = new QVBoxLayout(this);
    if (copy)
        layout->addWidget(buildSources(), 1);
    layout->addLayout(form);
    layout->addWidget(m_error);
    layout->addWidget(buttons);
    resize(560, copy ? 460 : 260);
}

QWidget* TransferDialog::buildSources()
{
    auto* box = new QWidget(this);
    m_sources = new QListWidget(box);
    m_sources->setObjectName(QStringLiteral("transferSources"));
    m_sources->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_addFiles = new QPushButton(tr("Add &files…"), box);
    m_addFiles->setObjectName(QStringLiteral("transferAddFiles"));
    m_addFolder = new QPushButton(tr("Add f&older…"), box);
    m_addFolder->setObjectName(QStringLiteral("transferAddFolder"));
    auto* remove = new QPushButton(tr("Remove"), box);
    connect(m_addFiles, &QPushButton::clicked, this, [this] { pickSources(false); });
    connect(m_addFolder, &QPushButton::clicked, this, [this] { pickSources(true); });
    connect(remove, &QPushButton::clicked, this,
            [this] { qDeleteAll(m_sources->selectedItems()); });
    auto* buttons = new QVBoxLayout;
    buttons->addWidget(m_addFiles);
    buttons->addWidget(m_addFolder);
    buttons->addWidget(remove);
    buttons->addStretch(1);
    auto* row = new QHBoxLayout;
    row->addWidget(m_sources, 1);
    row->addLayout(buttons);
    auto* layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(new QLabel(tr("What to copy (a folder goes with its name; its content "
                                    "alone: end it with '/'):"),
                                 box));
    layout->addLayout(row);
    return box;
}

void TransferDialog::pickSources(bool folder)
{
    const TransferPicker::Kind kind =
        folder ? TransferPicker::Kind::Folder : TransferPicker::Kind::Files;
    const QString title = m_mode == Mode::Fetch ? tr("Fetch into folder")
                          : folder              ? tr("Copy a folder")
                                                : tr("Copy files");
    m_picker->pick(kind, title, this, this, [this](const QStringList& paths) {
        if (paths.isEmpty())
            return;
        if (m_mode == Mode::Fetch)
            setLocalDir(paths.first());
        else
            addSources(paths);
    });
}

void TransferDialog::addSources(const QStringList& paths)
{
    if (!m_sources)
        return;
    for (const QString& path : paths) {
        if (!path.isEmpty() && m_sources->findItems(path, Qt::MatchExactly).isEmpty())
            m_sources->addItem(path);
    }
}

QStringList TransferDialog::sources() const
{
    QStringList out;
    for (int i = 0; m_sources && i < m_sources->count(); ++i)
        out << m_sources->item(i)->text();
    return out;
}

void TransferDialog::setTargets(const QString& pattern)
{
    m_targets->setText(pattern);
}

QString TransferDialog::targets() const
{
    return m_targets->text().trimmed();
}

void TransferDialog::setRemote(const QString& path)
{
    m_remote->setText(path);
}

QString TransferDialog::remote() const
{
    return m_remote->text().trimmed();
}

void TransferDialog::setLocalDir(const QString& path)
{
    if (m_localDir)
        m_localDir->setText(QDir::toNativeSeparators(path));
}

QString TransferDialog::localDir() const
{
    return m_localDir ? QDir::fromNativeSeparators(m_localDir->text().trimmed()) : QString();
}

bool TransferDialog::checkOnly() const
{
    return m_check->isChecked();
}

void TransferDialog::setCheckOnly(bool check)
{
    m_check->setChecked(check);
}

bool TransferDialog::checksum() const
{
    return m_checksum->isChecked();
}

engine::Result<engine::CopyOptions> TransferDialog::copyOptions() const
{
    engine::CopyOptions options;
    options.remote = remote();
    options.checksum = checksum();
    if (m_fileMode && !m_fileMode->text().trimmed().isEmpty()) {
        engine::Result<int> bits = engine::CopyOptions::parseMode(m_fileMode->text().trimmed());
        if (!bits)
            return engine::makeError(engine::ErrorKind::InvalidArgument,
                                     tr("File mode: %1").arg(bits.error().message));
        options.fileMode = *bits;
    }
    if (m_owner)
        options.owner = m_owner->text().trimmed();
    if (m_group)
        options.group = m_group->text().trimmed();
    return options;
}

void TransferDialog::showError(const QString& message)
{
    m_error->setText(message);
}

void TransferDialog::submit()
{
    if (targets().isEmpty())
        return showError(tr("Targets: name the hosts (a pattern such as web* or all)."));
    if (!remote().startsWith(QLatin1Char('/')))
        return showError(tr("Remote path: an absolute path on the hosts is needed."));
    if (m_mode == Mode::Copy && sources().isEmpty())
        return showError(tr("Add the files or folders to copy."));
    if (m_mode == Mode::Fetch && localDir().isEmpty())
        return showError(tr("Into folder: choose the local folder the hosts' copies go into."));
    m_error->clear();
    emit submitted();
}

} // namespace hostdeck::ui
