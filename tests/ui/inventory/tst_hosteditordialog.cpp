// The host editor's become settings: the method (inherited, sudo or su) is a form field, not a
// stray variable; an unchanged dialog gives back the become settings it was given; what it writes
// is what a run reads (TargetFactory); a method the file names that Hostdeck does not run stays as
// written and a run refuses it, naming the host.
#include "engine/runner/TargetFactory.h"
#include "ui/inventory/HostEditorDialog.h"
#include "ui/inventory/VariablesTable.h"

#include <QComboBox>
#include <QtTest>

using namespace hostdeck::ui;
namespace engine = hostdeck::engine;

class TestHostEditorDialog : public QObject
{
    Q_OBJECT

private:
    static engine::Host suHost()
    {
        return engine::Host(QStringLiteral("db1"),
                            {{QStringLiteral("ansible_host"), QStringLiteral("10.0.0.7")},
                             {QStringLiteral("ansible_become"), true},
                             {QStringLiteral("ansible_become_user"), QStringLiteral("postgres")},
                             {QStringLiteral("ansible_become_method"), QStringLiteral("su")},
                             {QStringLiteral("environment"),
                              QVariantMap{{QStringLiteral("PGDATA"), QStringLiteral("/srv/pg")}}}});
    }

    /// The variables of `host` about become and environment (the form also writes its defaults
    /// of port and interpreter, which are not the subject here).
    static QVariantMap becomeVars(const engine::Host& host)
    {
        QVariantMap vars;
        for (auto it = host.vars().cbegin(); it != host.vars().cend(); ++it) {
            if (it.key().startsWith(QLatin1String("ansible_become")) ||
                it.key() == QLatin1String("environment"))
                vars.insert(it.key(), it.value());
        }
        return vars;
    }

    static QComboBox* methodBox(HostEditorDialog& dialog)
    {
        return dialog.findChild<QComboBox*>(QStringLiteral("becomeMethod"));
    }

    static QComboBox* becomeBox(HostEditorDialog& dialog)
    {
        return dialog.findChild<QComboBox*>(QStringLiteral("becomeBox"));
    }

    static HostEditorSetup setupFor(const engine::Host& host)
    {
        HostEditorSetup setup;
        setup.hosts = {host};
        return setup;
    }

    /// The target a run makes of `host` (the inventory holding only it).
    static engine::Result<engine::HostTarget> targetOf(const engine::Host& host)
    {
        engine::Inventory inventory;
        inventory.addHost(host);
        return engine::TargetFactory::forHost(inventory, host.name(), engine::TargetSettings{});
    }

private slots:
    void suHostRoundTrips()
    {
        const engine::Host original = suHost();
        HostEditorDialog dialog(setupFor(original));
        QComboBox* method = methodBox(dialog);
        QVERIFY(method);
        QCOMPARE(method->currentData().toString(), QStringLiteral("su"));
        // The method is the form's; the environment stays a variable in the table.
        const QVariantMap table = dialog.findChild<VariablesTable*>()->variables();
        QVERIFY(!table.contains(QStringLiteral("ansible_become_method")));
        QVERIFY(table.contains(QStringLiteral("environment")));
        QCOMPARE(becomeVars(dialog.host()), becomeVars(original));

        const auto target = targetOf(dialog.host());
        QVERIFY2(target.ok(), qPrintable(target.ok() ? QString() : target.error().message));
        QVERIFY(target->become);
        QCOMPARE(target->becomeMethod, engine::BecomeMethod::Su);
        QCOMPARE(target->becomeUser, QStringLiteral("postgres"));
        QCOMPARE(target->environment.value(QStringLiteral("PGDATA")).toString(),
                 QStringLiteral("/srv/pg"));
    }

    void choosingTheMethod()
    {
        // A host with no become at all: the method is inherited (sudo unless a group says
        // otherwise) and nothing is written; choosing su writes it.
        const engine::Host plain(QStringLiteral("web1"),
                                 {{QStringLiteral("ansible_host"), QStringLiteral("10.0.0.8")}});
        HostEditorDialog dialog(setupFor(plain));
        QComboBox* become = becomeBox(dialog);
        QVERIFY(become);
        QCOMPARE(become->currentIndex(), 0);
        QComboBox* method = methodBox(dialog);
        QCOMPARE(method->currentIndex(), 0);
        QVERIFY(method->itemText(0).contains(QStringLiteral("sudo")));
        QCOMPARE(becomeVars(dialog.host()), QVariantMap());

        become->setCurrentIndex(1);
        method->setCurrentIndex(method->findData(QStringLiteral("su")));
        engine::Host edited = dialog.host();
        QCOMPARE(edited.vars().value(QStringLiteral("ansible_become_method")).toString(),
                 QStringLiteral("su"));
        QVERIFY(edited.become());
        QCOMPARE(targetOf(edited)->becomeMethod, engine::BecomeMethod::Su);

        method->setCurrentIndex(0);
        edited = dialog.host();
        QVERIFY(!edited.vars().contains(QStringLiteral("ansible_become_method")));
        QCOMPARE(targetOf(edited)->becomeMethod, engine::BecomeMethod::Sudo);

        // Become switched off: the host says no, and a run does not become.
        become->setCurrentIndex(2);
        edited = dialog.host();
        QVERIFY(!edited.become());
        QVERIFY(!targetOf(edited)->become);
    }

    void suToSudoOnAHostThatNamedIt()
    {
        // A file that says `ansible_become_method: su`, switched to sudo: written as sudo (the
        // group above might say su).
        HostEditorDialog dialog(setupFor(suHost()));
        QComboBox* method = methodBox(dialog);
        method->setCurrentIndex(method->findData(QStringLiteral("sudo")));
        QCOMPARE(dialog.host().vars().value(QStringLiteral("ansible_become_method")).toString(),
                 QStringLiteral("sudo"));
    }

    void unsupportedMethodStaysAndIsRefused()
    {
        engine::Host doas = suHost();
        doas.setVar(QStringLiteral("ansible_become_method"), QStringLiteral("doas"));
        HostEditorDialog dialog(setupFor(doas));
        QCOMPARE(methodBox(dialog)->currentData().toString(), QStringLiteral("doas"));
        QCOMPARE(becomeVars(dialog.host()), becomeVars(doas));
        const auto target = targetOf(dialog.host());
        QVERIFY(!target.ok());
        QCOMPARE(target.error().kind, engine::ErrorKind::InvalidArgument);
        QCOMPARE(target.error().message,
                 QStringLiteral("host 'db1': ansible_become_method 'doas' is not supported "
                                "(sudo or su)"));
    }
};

QTEST_MAIN(TestHostEditorDialog)
#include "tst_hosteditordialog.moc"
