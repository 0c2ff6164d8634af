// Files to and from hosts in the desktop app, with real widgets and real agents: the Files menu's
// copy and fetch dialogs (pickers answered through their seam), the Transfers dock's per-host
// progress, Cancel, the results tab, files dropped on a group of the inventory view, and the
// palette without the protocol pieces.
//
// The two hosts are local-transport hosts whose interpreter starts python3 in its own mount
// namespace with the host's own folder bound on one path (`remote/`): the same remote path is
// then a different place on each host, as on two machines, and the test can look at both.
#include "engine/runner/HostResult.h"
#include "tests/engine/transfer/TransferTreeUtil.h"
#include "tests/support/TestEnv.h"
#include "ui/AppServices.h"
#include "ui/MainWindow.h"
#include "ui/inventory/InventoryDock.h"
#include "ui/inventory/InventoryModel.h"
#include "ui/results/ResultText.h"
#include "ui/results/RunResultsModel.h"
#include "ui/results/RunView.h"
#include "ui/tools/ToolPalette.h"
#include "ui/tools/ToolPaletteModel.h"
#include "ui/transfer/InventoryDropHandler.h"
#include "ui/transfer/TransferActions.h"
#include "ui/transfer/TransferDialog.h"
#include "ui/transfer/TransferPanel.h"
#include "ui/transfer/TransferPicker.h"
#include "ui/transfer/TransferProgressModel.h"

#include <QDockWidget>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMimeData>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTreeView>
#include <QUrl>
#include <QtTest>

#include <unistd.h>

using namespace hostdeck;
using namespace hostdeck::ui;
using test::snapshotTree;

namespace {

const QStringList kHosts{QStringLiteral("h1"), QStringLiteral("h2")};

/// What the progress model showed of each host while a run went: the most bytes, the total,
/// the highest rate.
struct ProgressSeen
{
    QHash<QString, qint64> bytes, total, rate;
};

void watchProgress(TransferProgressModel* model, QObject* context,
                   std::shared_ptr<ProgressSeen> seen)
{
    QObject::connect(
        model, &QAbstractItemModel::dataChanged, context,
        [model, seen](const QModelIndex& from, const QModelIndex& to) {
            for (int row = from.row(); row <= to.row(); ++row) {
                const QModelIndex at = model->index(row, 0);
                const QString host = at.data().toString();
                const qint64 bytes = at.data(TransferProgressModel::BytesRole).toLongLong();
                const qint64 total = at.data(TransferProgressModel::TotalRole).toLongLong();
                seen->bytes[host] = std::max(seen->bytes.value(host), bytes);
                seen->total[host] = std::max(seen->total.value(host), total);
                seen->rate[host] = std::max(seen->rate.value(host),
                                            at.data(TransferProgressModel::RateRole).toLongLong());
            }
        });
}

} // namespace

class TestTransferGui : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void init();
    void cleanup();
    void paletteLeavesOutProtocolPieces();
    void copiesAFolderToTwoHostsWithProgress();
    void cancelsACopyMidway();
    void fetchesIntoOneFolderPerHost();
    void dropOnAGroupCopiesToItsHosts();
    void refusesBadFieldsInTheDialog();

private:
    QString hostDir(const QString& host) const
    {
        return m_dir.filePath(QStringLiteral("hosts/") + host);
    }
    QString remote(const QString& rel = {}) const
    {
        return rel.isEmpty() ? m_remote : m_remote + QLatin1Char('/') + rel;
    }
    /// Where a remote path of a host really is on this machine.
    QString onHost(const QString& host, const QString& rel) const
    {
        return hostDir(host) + QLatin1Char('/') + rel;
    }
    TransferActions* actions() const { return m_window->findChild<TransferActions*>(); }
    /// Presses the dialog's start button and waits for the transfer run to finish.
    engine::RunSummary startAndWait(TransferDialog* dialog, int timeoutMs = 180000);
    QString writeInterpreter(const QString& host);
    QStringList processesOfHosts() const;

    QTemporaryDir m_dir;
    QString m_remote;
    QString m_inventory;
    std::unique_ptr<AppServices> m_services;
    std::unique_ptr<MainWindow> m_window;
};

QString TestTransferGui::writeInterpreter(const QString& host)
{
    // As root a mount namespace alone is enough; otherwise a user namespace maps us to root in it.
    const QString flags = ::geteuid() == 0 ? QStringLiteral("-m") : QStringLiteral("-rm");
    const QString path = m_dir.filePath(QStringLiteral("python-") + host);
    QFile script(path);
    if (!script.open(QIODevice::WriteOnly))
        return {};
    script.write(
        QStringLiteral("#!/bin/sh\n"
                       "exec unshare %1 --propagation private sh -c "
                       "'mount --bind \"$1\" \"$2\" || exit 97; shift 2; exec \"%2\" \"$@\"'"
                       " sh '%3' '%4' \"$@\"\n")
            .arg(flags, test::python(), hostDir(host), m_remote)
            .toUtf8());
    script.close();
    script.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    return path;
}

void TestTransferGui::initTestCase()
{
    QVERIFY(m_dir.isValid());
    qputenv("HOME", m_dir.filePath(QStringLiteral("home")).toUtf8());
    qputenv("XDG_DATA_HOME", m_dir.filePath(QStringLiteral("data")).toUtf8());
    qputenv("XDG_CONFIG_HOME", m_dir.filePath(QStringLiteral("config")).toUtf8());
    m_remote = m_dir.filePath(QStringLiteral("remote"));
    QVERIFY(QDir().mkpath(m_remote));
    QStringList yaml{QStringLiteral("all:"), QStringLiteral("  children:"),
                     QStringLiteral("    fleet:"), QStringLiteral("      hosts:")};
    for (const QString& host : kHosts) {
        QVERIFY(QDir().mkpath(hostDir(host)));
        const QString interpreter = writeInterpreter(host);
        QVERIFY(!interpreter.isEmpty());
        yaml << QStringLiteral("        %1:").arg(host)
             << QStringLiteral("          ansible_connection: local")
             << QStringLiteral("          ansible_python_interpreter: ") + interpreter;
    }
    yaml << QStringLiteral("    other:") << QStringLiteral("      hosts:")
         << QStringLiteral("        elsewhere:")
         << QStringLiteral("          ansible_connection: local");
    m_inventory = m_dir.filePath(QStringLiteral("inventory.yml"));
    QFile file(m_inventory);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(yaml.join(QLatin1Char('\n')).toUtf8() + '\n');
    file.close();

    // The hosts must really be apart: a file made on h1's remote/ is not on h2's.
    QProcess probe;
    probe.start(
        m_dir.filePath(QStringLiteral("python-h1")),
        {QStringLiteral("-c"), QStringLiteral("open('%1/probe','w').write('h1')").arg(m_remote)});
    QVERIFY(probe.waitForFinished(30000));
    QVERIFY2(probe.exitCode() == 0,
             qPrintable(QStringLiteral("a host's own mount namespace (unshare, mount --bind) is "
                                       "needed: ") +
                        QString::fromUtf8(probe.readAllStandardError())));
    QVERIFY(QFileInfo::exists(onHost(QStringLiteral("h1"), QStringLiteral("probe"))));
    QVERIFY(!QFileInfo::exists(onHost(QStringLiteral("h2"), QStringLiteral("probe"))));
    QVERIFY(!QFileInfo::exists(remote(QStringLiteral("probe"))));
}

/// Processes still in one of the hosts' mount namespaces (their mount table has our remote/).
QStringList TestTransferGui::processesOfHosts() const
{
    QStringList found;
    const QByteArray needle = QFile::encodeName(m_remote);
    for (const QString& pid : QDir(QStringLiteral("/proc")).entryList(QDir::Dirs)) {
        bool number = false;
        pid.toInt(&number);
        QFile mounts(QStringLiteral("/proc/%1/mountinfo").arg(pid));
        if (number && mounts.open(QIODevice::ReadOnly) && mounts.readAll().contains(needle))
            found << pid;
    }
    return found;
}

void TestTransferGui::cleanupTestCase()
{
    // Every agent ended with its window: nothing is left in the hosts' namespaces.
    QTRY_COMPARE_WITH_TIMEOUT(processesOfHosts(), QStringList{}, 20000);
}

void TestTransferGui::init()
{
    MainWindowOptions options;
    options.localInterpreter = {test::python()};
    options.userToolDirs = {test::testToolsDir()};
    options.historyPath = m_dir.filePath(QStringLiteral("history.sqlite"));
    options.settingsPath = m_dir.filePath(QStringLiteral("settings.ini"));
    options.inventoryPath = m_inventory;
    options.interactivePrompts = false;
    m_services = std::make_unique<AppServices>(options);
    m_window = std::make_unique<MainWindow>(*m_services, options);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    QTRY_VERIFY_WITH_TIMEOUT(m_window->toolsLoaded(), 60000);
    QVERIFY(actions());
    actions()->picker()->setInteractive(false);
}

void TestTransferGui::cleanup()
{
    m_window.reset();
    m_services.reset();
}

engine::RunSummary TestTransferGui::startAndWait(TransferDialog* dialog, int timeoutMs)
{
    TransferPanel* panel = actions()->panel();
    QSignalSpy finished(panel, &TransferPanel::runFinished);
    QSignalSpy started(actions(), &TransferActions::transferStarted);
    QTest::mouseClick(dialog->startButton(), Qt::LeftButton);
    if (started.size() != 1) {
        qWarning() << "not started:" << dialog->errorLabel()->text();
        return {};
    }
    if (!finished.wait(timeoutMs) && finished.isEmpty())
        return {};
    return finished.first().first().value<engine::RunSummary>();
}

void TestTransferGui::paletteLeavesOutProtocolPieces()
{
    // The real FileSystem tool marks its protocol pieces internal; the palette shows none of
    // them but keeps the tool's own methods.
    const engine::ToolCatalog& catalog = m_window->palette()->catalog();
    const auto begin = catalog.method(QStringLiteral("FileSystem"), QStringLiteral("upload_begin"));
    QVERIFY(begin.has_value());
    QVERIFY(begin->internal);
    auto* model = m_window->palette()->findChild<ToolPaletteModel*>();
    QVERIFY(model);
    int internal = 0;
    for (const engine::ToolInfo& tool : catalog.tools()) {
        for (const engine::MethodInfo& method : tool.methods) {
            const bool shown = model->indexOf(tool.name, method.name).isValid();
            QVERIFY2(shown != method.internal, qPrintable(method.fullName()));
            internal += method.internal ? 1 : 0;
        }
    }
    QVERIFY(internal >= 5); // upload_begin/chunk/end/abort, download, sync_*
    QVERIFY(model->indexOf(QStringLiteral("FileSystem"), QStringLiteral("checksum")).isValid());
}

void TestTransferGui::copiesAFolderToTwoHostsWithProgress()
{
    // A generated folder with some large files, so that progress has something to show.
    const QString local = m_dir.filePath(QStringLiteral("local/site"));
    QVERIFY(QDir().mkpath(local));
    const test::GeneratedTree tree = test::generateTree(local, 1717, 120, true);
    QVERIFY(test::writeBytes(local + QStringLiteral("/big.bin"),
                             QByteArray(24 << 20, 'x') + QByteArray("end")));

    actions()->copyAction()->trigger();
    TransferDialog* dialog = actions()->dialog();
    QVERIFY(dialog && dialog->isVisible());
    QCOMPARE(dialog->mode(), TransferDialog::Mode::Copy);
    actions()->picker()->setNextPaths({local});
    QTest::mouseClick(dialog->addFolderButton(), Qt::LeftButton);
    QTRY_COMPARE(dialog->sources(), QStringList{local});
    QCOMPARE(actions()->picker()->asked().constLast(), QStringLiteral("folder: Copy a folder"));
    dialog->targetsField()->setText(QStringLiteral("fleet"));
    dialog->remoteField()->setText(remote(QStringLiteral("www")) + QLatin1Char('/'));

    auto seen = std::make_shared<ProgressSeen>();
    watchProgress(actions()->panel()->model(), this, seen);
    const engine::RunSummary summary = startAndWait(dialog);
    QCOMPARE(summary.total, 2);
    QCOMPARE(summary.changed, 2);
    QVERIFY(actions()->dock()->isVisible());

    // Each host got the whole tree, in its own place.
    const auto want = snapshotTree(local);
    QVERIFY(want.size() > tree.files.size());
    for (const QString& host : kHosts) {
        const auto got = snapshotTree(onHost(host, QStringLiteral("www/site")));
        QVERIFY2(got == want,
                 qPrintable(host + QStringLiteral(": ") + test::firstDifference(want, got)));
        // The dock showed this host's bytes against the total and a rate.
        const qint64 expected = tree.bytes + (24 << 20) + 3;
        QVERIFY2(seen->total.value(host) >= expected,
                 qPrintable(QStringLiteral("%1: total %2").arg(host).arg(seen->total.value(host))));
        QCOMPARE(seen->bytes.value(host), seen->total.value(host));
        QVERIFY2(seen->rate.value(host) > 0, qPrintable(host));
        const int row = actions()->panel()->model()->rowOf(host);
        QVERIFY(row >= 0);
        QCOMPARE(actions()
                     ->panel()
                     ->model()
                     ->index(row, TransferProgressModel::ProgressColumn)
                     .data()
                     .toString(),
                 QStringLiteral("100%"));
    }
    QVERIFY(actions()->panel()->summaryLabel()->text().contains(QStringLiteral("2 of 2 host")));

    // The results table of the run's own tab: one changed row per host.
    RunView* view = actions()->lastRunView();
    QVERIFY(view);
    QCOMPARE(m_window->runTabs()->currentWidget(), view);
    QCOMPARE(view->model()->rowCount(), 2);
    for (int row = 0; row < 2; ++row)
        QCOMPARE(view->model()
                     ->index(row, RunResultsModel::StatusColumn)
                     .data(RunResultsModel::StatusRole)
                     .toInt(),
                 int(ResultText::Status::Changed));

    // Again: the hosts already have it all, nothing changes.
    actions()->copyAction()->trigger();
    dialog = actions()->dialog();
    dialog->addSources({local});
    dialog->targetsField()->setText(QStringLiteral("fleet"));
    dialog->remoteField()->setText(remote(QStringLiteral("www")) + QLatin1Char('/'));
    const engine::RunSummary again = startAndWait(dialog);
    QCOMPARE(again.total, 2);
    QCOMPARE(again.changed, 0);
    QCOMPARE(again.ok, 2);
}

void TestTransferGui::cancelsACopyMidway()
{
    // Big enough that Cancel comes long before the end (sparse: cheap to make, not to send).
    const QString big = m_dir.filePath(QStringLiteral("local/huge.img"));
    QFile file(big);
    QVERIFY(file.open(QIODevice::WriteOnly));
    QVERIFY(file.resize(qint64(1) << 30));
    file.close();

    TransferDialog* dialog = actions()->openCopyDialog({big}, QStringLiteral("fleet"));
    dialog->remoteField()->setText(remote(QStringLiteral("cut")) + QLatin1Char('/'));
    TransferPanel* panel = actions()->panel();
    QSignalSpy finished(panel, &TransferPanel::runFinished);
    QTest::mouseClick(dialog->startButton(), Qt::LeftButton);
    QVERIFY2(panel->isRunning(), qPrintable(dialog->errorLabel()->text()));
    QVERIFY(panel->cancelButton()->isEnabled());
    // Cancel once bytes are moving on some host.
    QTRY_VERIFY_WITH_TIMEOUT(panel->model()->doneBytes() > 0, 120000);
    QTest::mouseClick(panel->cancelButton(), Qt::LeftButton);
    QVERIFY(finished.wait(120000) || !finished.isEmpty());
    const auto summary = finished.first().first().value<engine::RunSummary>();
    QCOMPARE(summary.total, 2);
    QCOMPARE(summary.cancelled, 2);
    QVERIFY(!panel->cancelButton()->isEnabled());
    QVERIFY(panel->summaryLabel()->text().contains(QStringLiteral("2 cancelled")));
    for (const QString& host : kHosts) {
        const int row = panel->model()->rowOf(host);
        QVERIFY(panel->model()
                    ->index(row, TransferProgressModel::StatusColumn)
                    .data()
                    .toString()
                    .startsWith(QStringLiteral("cancelled")));
        // Nothing half-written is left: no file in place, no temp file once the agent is done.
        QVERIFY(!QFileInfo::exists(onHost(host, QStringLiteral("cut/huge.img"))));
        QTRY_COMPARE_WITH_TIMEOUT(test::tempFilesUnder(onHost(host, QStringLiteral("cut"))),
                                  QStringList{}, 30000);
    }
    QFile::remove(big);
}

void TestTransferGui::fetchesIntoOneFolderPerHost()
{
    for (const QString& host : kHosts) {
        QVERIFY(QDir().mkpath(onHost(host, QStringLiteral("etc/app/conf.d"))));
        QVERIFY(test::writeBytes(onHost(host, QStringLiteral("etc/app/app.conf")),
                                 "name = " + host.toUtf8() + '\n'));
        QVERIFY(test::writeBytes(onHost(host, QStringLiteral("etc/app/conf.d/extra.conf")),
                                 QByteArray(70000, host.at(1).toLatin1())));
    }
    const QString into = m_dir.filePath(QStringLiteral("fetched"));
    QVERIFY(QDir().mkpath(into));

    actions()->fetchAction()->trigger();
    TransferDialog* dialog = actions()->dialog();
    QVERIFY(dialog);
    QCOMPARE(dialog->mode(), TransferDialog::Mode::Fetch);
    actions()->picker()->setNextPaths({into});
    QTest::mouseClick(dialog->browseButton(), Qt::LeftButton);
    QTRY_COMPARE(dialog->localDir(), into);
    dialog->targetsField()->setText(QStringLiteral("fleet"));
    dialog->remoteField()->setText(remote(QStringLiteral("etc/app")));
    const engine::RunSummary summary = startAndWait(dialog);
    QCOMPARE(summary.total, 2);
    QCOMPARE(summary.changed, 2);
    for (const QString& host : kHosts) {
        const auto want = snapshotTree(onHost(host, QStringLiteral("etc/app")), {true, 0, false});
        const auto got =
            snapshotTree(into + QLatin1Char('/') + host + QStringLiteral("/app"), {true, 0, false});
        QVERIFY2(got == want,
                 qPrintable(host + QStringLiteral(": ") + test::firstDifference(want, got)));
    }
    QFile conf(into + QStringLiteral("/h2/app/app.conf"));
    QVERIFY(conf.open(QIODevice::ReadOnly));
    QCOMPARE(conf.readAll(), QByteArray("name = h2\n"));
    QCOMPARE(actions()->lastRunView()->model()->rowCount(), 2);
}

void TestTransferGui::dropOnAGroupCopiesToItsHosts()
{
    const QString a = m_dir.filePath(QStringLiteral("drop/a.txt"));
    const QString b = m_dir.filePath(QStringLiteral("drop/b.cfg"));
    QVERIFY(QDir().mkpath(m_dir.filePath(QStringLiteral("drop"))));
    QVERIFY(test::writeBytes(a, "alpha\n"));
    QVERIFY(test::writeBytes(b, QByteArray(300000, 'b')));

    QTreeView* tree = m_window->inventoryDock()->view();
    tree->expandAll();
    QAbstractItemModel* model = tree->model();
    const QModelIndexList groups =
        model->match(model->index(0, 0), InventoryModel::NameRole, QStringLiteral("fleet"), 1,
                     Qt::MatchExactly | Qt::MatchRecursive);
    QCOMPARE(groups.size(), 1);
    tree->scrollTo(groups.first());
    const QPoint at = tree->visualRect(groups.first()).center();
    QWidget* viewport = tree->viewport();

    const auto drag = [&](QMimeData* mime, const QPoint& point) {
        QDragEnterEvent enter(point, Qt::CopyAction, mime, Qt::LeftButton, Qt::NoModifier);
        QCoreApplication::sendEvent(viewport, &enter);
        QDragMoveEvent move(point, Qt::CopyAction, mime, Qt::LeftButton, Qt::NoModifier);
        QCoreApplication::sendEvent(viewport, &move);
        const bool accepted = move.isAccepted();
        QDropEvent drop(QPointF(point), Qt::CopyAction, mime, Qt::LeftButton, Qt::NoModifier);
        QCoreApplication::sendEvent(viewport, &drop);
        return accepted && drop.isAccepted();
    };

    // Text is not files: the handler leaves it alone and opens nothing.
    QSignalSpy dropped(actions()->dropHandler(), &InventoryDropHandler::filesDropped);
    QMimeData text;
    text.setText(QStringLiteral("not a file"));
    drag(&text, at);
    QCOMPARE(dropped.size(), 0);
    QVERIFY(!actions()->dialog());

    // Files on the group: the copy dialog opens with them, aimed at the group's hosts.
    QMimeData files;
    files.setUrls({QUrl::fromLocalFile(a), QUrl::fromLocalFile(b)});
    QVERIFY(drag(&files, at));
    QCOMPARE(dropped.size(), 1);
    QCOMPARE(dropped.first().at(1).toString(), QStringLiteral("fleet"));
    TransferDialog* dialog = actions()->dialog();
    QVERIFY(dialog && dialog->isVisible());
    QCOMPARE(dialog->sources(), (QStringList{a, b}));
    QCOMPARE(dialog->targets(), QStringLiteral("fleet"));
    dialog->remoteField()->setText(remote(QStringLiteral("dropped")) + QLatin1Char('/'));
    dialog->modeField()->setText(QStringLiteral("0640"));
    const engine::RunSummary summary = startAndWait(dialog);
    QCOMPARE(summary.total, 2); // the group's hosts, not `other`
    QCOMPARE(summary.changed, 2);
    for (const QString& host : kHosts) {
        QCOMPARE(test::sha256Of(onHost(host, QStringLiteral("dropped/a.txt"))), test::sha256Of(a));
        QCOMPARE(test::sha256Of(onHost(host, QStringLiteral("dropped/b.cfg"))), test::sha256Of(b));
        QCOMPARE(QFileInfo(onHost(host, QStringLiteral("dropped/b.cfg"))).permissions() & 0x777,
                 QFileDevice::Permissions(0x640));
    }

    // A drop on one host of the group goes to that host only.
    const QModelIndexList hosts =
        model->match(model->index(0, 0), InventoryModel::NameRole, QStringLiteral("h2"), 1,
                     Qt::MatchExactly | Qt::MatchRecursive);
    QCOMPARE(hosts.size(), 1);
    tree->selectionModel()->clearSelection();
    QVERIFY(drag(&files, tree->visualRect(hosts.first()).center()));
    QCOMPARE(actions()->dialog()->targets(), QStringLiteral("h2"));
    actions()->dialog()->close();

    // Below the last row there are no hosts: refused.
    const QPoint below(5, viewport->height() - 2);
    QVERIFY(!tree->indexAt(below).isValid());
    QVERIFY(!drag(&files, below));
    QCOMPARE(dropped.size(), 2);
}

void TestTransferGui::refusesBadFieldsInTheDialog()
{
    const QString a = m_dir.filePath(QStringLiteral("bad/a.txt"));
    QVERIFY(QDir().mkpath(m_dir.filePath(QStringLiteral("bad"))));
    QVERIFY(test::writeBytes(a, "a\n"));
    TransferDialog* dialog = actions()->openCopyDialog({a}, QStringLiteral("fleet"));
    QSignalSpy started(actions(), &TransferActions::transferStarted);

    dialog->remoteField()->setText(QStringLiteral("relative/path"));
    QTest::mouseClick(dialog->startButton(), Qt::LeftButton);
    QVERIFY(dialog->errorLabel()->text().contains(QStringLiteral("absolute")));

    dialog->remoteField()->setText(remote(QStringLiteral("bad")) + QLatin1Char('/'));
    dialog->modeField()->setText(QStringLiteral("rw-r"));
    QTest::mouseClick(dialog->startButton(), Qt::LeftButton);
    QVERIFY2(dialog->errorLabel()->text().contains(QStringLiteral("File mode")),
             qPrintable(dialog->errorLabel()->text()));

    dialog->modeField()->clear();
    dialog->targetsField()->setText(QStringLiteral("nosuchhost*"));
    QTest::mouseClick(dialog->startButton(), Qt::LeftButton);
    QVERIFY2(dialog->errorLabel()->text().contains(QStringLiteral("nosuchhost")),
             qPrintable(dialog->errorLabel()->text()));

    dialog->targetsField()->setText(QStringLiteral("fleet"));
    dialog->sourceList()->clear();
    dialog->addSources({m_dir.filePath(QStringLiteral("bad/missing.txt"))});
    QTest::mouseClick(dialog->startButton(), Qt::LeftButton);
    QVERIFY2(dialog->errorLabel()->text().contains(QStringLiteral("missing.txt")),
             qPrintable(dialog->errorLabel()->text()));
    QCOMPARE(started.size(), 0);
    QVERIFY(dialog->isVisible());
    QVERIFY(!QFileInfo::exists(onHost(QStringLiteral("h1"), QStringLiteral("bad"))));
}

QTEST_MAIN(TestTransferGui)
#include "tst_transfergui.moc"
