// TreeDiff, the comparison behind copy, sync and fetch: table-driven cases for each rule, and
// generated pairs of trees where the destination is a mutated copy of the source (content,
// mtime, mode and type changes, deletions, extras): applying the diff must give the source
// back, and nothing equal may be sent.
#include "engine/transfer/LocalTree.h"
#include "engine/transfer/TreeDiff.h"

#include <QHash>
#include <QRandomGenerator>
#include <QTest>

using namespace hostdeck::engine;

namespace {

TreeEntry file(const QString& path, qint64 size, qint64 mtime, const QString& sha, int mode = 0644)
{
    TreeEntry e;
    e.path = path;
    e.size = size;
    e.mtimeNs = mtime;
    e.sha256 = sha;
    e.mode = mode;
    return e;
}

TreeEntry dir(const QString& path, int mode = 0755)
{
    TreeEntry e;
    e.path = path;
    e.type = TreeEntry::Type::Directory;
    e.mode = mode;
    return e;
}

TreeEntry link(const QString& path, const QString& target)
{
    TreeEntry e;
    e.path = path;
    e.type = TreeEntry::Type::Symlink;
    e.target = target;
    e.mode = 0777;
    return e;
}

QStringList paths(const QList<TreeEntry>& entries)
{
    QStringList out;
    for (const TreeEntry& e : entries)
        out << e.path;
    return out;
}

QStringList paths(const QList<AttrChange>& changes)
{
    QStringList out;
    for (const AttrChange& c : changes)
        out << c.path;
    return out;
}

/// What a destination holds: path -> entry (the content is the sha256).
using Tree = QMap<QString, TreeEntry>;

/// The destination after the diff; what is written has the source's content.
Tree apply(const QList<TreeEntry>& destination, const TreeDiff& diff, const TreeDiffOptions& o,
           const QList<TreeEntry>& source)
{
    QHash<QString, QString> content;
    for (const TreeEntry& e : source)
        content.insert(e.path, e.sha256);
    Tree tree;
    for (const TreeEntry& e : destination)
        tree.insert(e.path, e);
    for (const QString& gone : diff.replace + diff.remove) {
        for (auto it = tree.begin(); it != tree.end();) {
            if (it.key() == gone || it.key().startsWith(gone + QLatin1Char('/')))
                it = tree.erase(it);
            else
                ++it;
        }
    }
    for (const TreeEntry& e : diff.mkdirs)
        tree.insert(e.path, e);
    for (TreeEntry e : diff.send) {
        if (e.isFile() && o.fileMode)
            e.mode = *o.fileMode;
        e.sha256 = content.value(e.path);
        tree.insert(e.path, e);
    }
    for (const AttrChange& c : diff.attrs) {
        TreeEntry& e = tree[c.path];
        if (c.mode)
            e.mode = *c.mode;
        if (c.mtimeNs)
            e.mtimeNs = *c.mtimeNs;
    }
    return tree;
}

QString describe(const TreeEntry& e, bool withMtime)
{
    switch (e.type) {
    case TreeEntry::Type::Directory:
        return QStringLiteral("dir %1").arg(e.mode, 0, 8);
    case TreeEntry::Type::Symlink:
        return QStringLiteral("link %1").arg(e.target);
    default:
        return QStringLiteral("file %1 %2 %3 %4")
            .arg(e.mode, 0, 8)
            .arg(e.size)
            .arg(withMtime ? e.mtimeNs : 0)
            .arg(e.sha256);
    }
}

/// The agent's lazy rule: a file the controller knows with the same size and another mtime is
/// hashed on the host; other files come without a sha256.
QList<TreeEntry> asManifest(QList<TreeEntry> entries, const QList<TreeEntry>& known)
{
    QHash<QString, TreeEntry> byPath;
    for (const TreeEntry& e : known)
        byPath.insert(e.path, e);
    for (TreeEntry& e : entries) {
        const auto it = byPath.constFind(e.path);
        const bool hash = e.isFile() && it != byPath.cend() && it->isFile() && it->size == e.size &&
                          it->mtimeNs != e.mtimeNs;
        if (!hash)
            e.sha256.clear();
    }
    return entries;
}

} // namespace

class TestTreeDiff : public QObject
{
    Q_OBJECT

private slots:
    void rules()
    {
        const QList<TreeEntry> source{
            dir(QStringLiteral("d")),
            file(QStringLiteral("d/same"), 5, 100, QStringLiteral("a")),
            file(QStringLiteral("d/touched"), 5, 200, QStringLiteral("b")),
            file(QStringLiteral("d/edited"), 5, 300, QStringLiteral("c")),
            file(QStringLiteral("d/grown"), 9, 400, QStringLiteral("d")),
            file(QStringLiteral("d/new"), 1, 1, QStringLiteral("e")),
            file(QStringLiteral("chmod"), 1, 1, QStringLiteral("f"), 0600),
            link(QStringLiteral("l"), QStringLiteral("d/same")),
            file(QStringLiteral("was-dir"), 3, 3, QStringLiteral("g"))};
        const QList<TreeEntry> dest{dir(QStringLiteral("d")),
                                    file(QStringLiteral("d/same"), 5, 100, QString()),
                                    file(QStringLiteral("d/touched"), 5, 999, QStringLiteral("b")),
                                    file(QStringLiteral("d/edited"), 5, 999, QStringLiteral("x")),
                                    file(QStringLiteral("d/grown"), 5, 400, QString()),
                                    file(QStringLiteral("chmod"), 1, 1, QString(), 0644),
                                    link(QStringLiteral("l"), QStringLiteral("elsewhere")),
                                    dir(QStringLiteral("was-dir")),
                                    file(QStringLiteral("extra"), 1, 1, QString())};
        TreeDiffOptions options;
        TreeDiff diff = TreeDiff::compare(source, dest, options);
        QCOMPARE(paths(diff.send), (QStringList{QStringLiteral("d/edited"),
                                                QStringLiteral("d/grown"), QStringLiteral("d/new"),
                                                QStringLiteral("l"), QStringLiteral("was-dir")}));
        QCOMPARE(paths(diff.attrs),
                 (QStringList{QStringLiteral("d/touched"), QStringLiteral("chmod")}));
        QCOMPARE(diff.attrs.at(0).mtimeNs.value_or(-1), 200);
        QVERIFY(!diff.attrs.at(0).mode);
        QCOMPARE(diff.attrs.at(1).mode.value_or(-1), 0600);
        QVERIFY(!diff.attrs.at(1).mtimeNs);
        QCOMPARE(diff.replace, QStringList{QStringLiteral("was-dir")});
        QCOMPARE(diff.remove, QStringList{});  // no deleteExtra
        QCOMPARE(diff.blocked, QStringList{}); // the folder in the way is empty
        QCOMPARE(diff.unchanged, 1);
        QCOMPARE(diff.sendBytes, 5 + 9 + 1 + 3);

        options.deleteExtra = true;
        QCOMPARE(TreeDiff::compare(source, dest, options).remove,
                 QStringList{QStringLiteral("extra")});
        // Same size, same mtime: equal by rsync's quick check; --checksum looks at the content.
        options.checksum = true;
        QList<TreeEntry> hashed = dest;
        hashed[1].sha256 = QStringLiteral("zzz");
        QVERIFY(paths(TreeDiff::compare(source, hashed, options).send)
                    .contains(QStringLiteral("d/same")));
        // The local side lacks a hash: asked for, not guessed.
        QList<TreeEntry> unhashedSource = source;
        unhashedSource[2].sha256.clear();
        options.checksum = false;
        QCOMPARE(TreeDiff::compare(unhashedSource, dest, options).needHash,
                 QStringList{QStringLiteral("d/touched")});
        // The host could not hash it: sent rather than guessed.
        QList<TreeEntry> noRemoteHash = dest;
        noRemoteHash[2].sha256.clear();
        QVERIFY(paths(TreeDiff::compare(source, noRemoteHash, options).send)
                    .contains(QStringLiteral("d/touched")));
        // A folder with content in the way of a file: blocked unless deleteExtra.
        QList<TreeEntry> full = dest;
        full << file(QStringLiteral("was-dir/inside"), 1, 1, QString());
        options.deleteExtra = false;
        QCOMPARE(TreeDiff::compare(source, full, options).blocked,
                 QStringList{QStringLiteral("was-dir")});
        options.deleteExtra = true;
        const TreeDiff replaced = TreeDiff::compare(source, full, options);
        QCOMPARE(replaced.blocked, QStringList{});
        QVERIFY(
            !replaced.remove.contains(QStringLiteral("was-dir/inside"))); // goes with its folder
    }

    void excludeMatchesPathAndName_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("pattern");
        QTest::addColumn<bool>("excluded");
        QTest::newRow("name") << "a/b/c.log"
                              << "*.log" << true;
        QTest::newRow("star crosses slashes") << "a/b/c.txt"
                                              << "a/*" << true;
        QTest::newRow("whole name") << "x/.git"
                                    << ".git" << true;
        QTest::newRow("other") << "a/b/c.txt"
                               << "*.log" << false;
        QTest::newRow("class") << "f1"
                               << "f[0-9]" << true;
        QTest::newRow("unicode") << "dir/été.conf"
                                 << "été.*" << true;
    }

    void excludeMatchesPathAndName()
    {
        QFETCH(QString, path);
        QFETCH(QString, pattern);
        QFETCH(bool, excluded);
        QCOMPARE(LocalTree::excluded(path, {pattern}), excluded);
    }

    void generatedTreesConverge()
    {
        const quint32 seed = QRandomGenerator::global()->generate();
        qInfo("seed %u", seed);
        QRandomGenerator rng(seed);
        for (int round = 0; round < 300; ++round) {
            // A source tree.
            QList<TreeEntry> source;
            QStringList dirs{QString()};
            const int n = 1 + int(rng.bounded(60));
            for (int i = 0; i < n; ++i) {
                const QString parent = dirs.at(int(rng.bounded(int(dirs.size()))));
                const QString path = (parent.isEmpty() ? QString() : parent + QLatin1Char('/')) +
                                     QStringLiteral("e%1").arg(i);
                const quint32 kind = rng.bounded(10);
                if (kind < 2) {
                    source << dir(path, rng.bounded(2) ? 0755 : 0700);
                    dirs << path;
                } else if (kind < 3) {
                    source << link(path, QStringLiteral("t%1").arg(rng.bounded(3)));
                } else {
                    const qint64 size = rng.bounded(4);
                    source << file(path, size, rng.bounded(3),
                                   QStringLiteral("c%1-%2").arg(size).arg(rng.bounded(2)),
                                   rng.bounded(2) ? 0644 : 0600);
                }
            }
            std::sort(source.begin(), source.end(),
                      [](const TreeEntry& a, const TreeEntry& b) { return a.path < b.path; });
            // The destination: a mutated copy.
            QList<TreeEntry> dest;
            for (TreeEntry e : source) {
                const quint32 what = rng.bounded(12);
                if (what == 0)
                    continue; // missing there
                if (what == 1 && e.isFile())
                    e.sha256 += QStringLiteral("x"); // other content, same size and mtime
                if (what == 2 && e.isFile())
                    e.mtimeNs += 7; // touched
                if (what == 3 && e.isFile()) {
                    e.mtimeNs += 7;
                    e.sha256 += QStringLiteral("y"); // edited in place
                }
                if (what == 4)
                    e.mode = 0640;
                if (what == 5 && !e.isDir())
                    e = dir(e.path);
                if (what == 6 && e.isDir())
                    e = file(e.path, 1, 1, QStringLiteral("was a folder"));
                if (what == 7 && e.isLink())
                    e.target += QStringLiteral("-other");
                dest << e;
            }
            for (int i = 0; i < int(rng.bounded(4)); ++i)
                dest << file(QStringLiteral("extra%1").arg(i), 1, 1, QStringLiteral("x"));
            // Entries below what is no longer a folder there cannot exist.
            QSet<QString> notDirs;
            for (const TreeEntry& e : dest)
                if (!e.isDir())
                    notDirs.insert(e.path);
            dest.removeIf([&](const TreeEntry& e) {
                for (qsizetype s = e.path.indexOf(QLatin1Char('/')); s >= 0;
                     s = e.path.indexOf(QLatin1Char('/'), s + 1))
                    if (notDirs.contains(e.path.left(s)))
                        return true;
                return false;
            });
            QSet<QString> destDirs;
            for (const TreeEntry& e : dest)
                if (e.isDir())
                    destDirs.insert(e.path);
            dest.removeIf([&](const TreeEntry& e) {
                const qsizetype s = e.path.lastIndexOf(QLatin1Char('/'));
                return s > 0 && !destDirs.contains(e.path.left(s));
            });

            TreeDiffOptions options;
            options.deleteExtra = rng.bounded(2);
            const QList<TreeEntry> manifest = asManifest(dest, source);
            QList<TreeEntry> local = source;
            for (TreeEntry& e : local)
                e.sha256.clear();
            TreeDiff diff = TreeDiff::compare(local, manifest, options);
            // Hash what it asks for, as TreeSync does, then compare again.
            const QSet<QString> asked(diff.needHash.cbegin(), diff.needHash.cend());
            for (int i = 0; i < local.size(); ++i)
                if (asked.contains(local.at(i).path))
                    local[i].sha256 = source.at(i).sha256;
            diff = TreeDiff::compare(local, manifest, options);
            QCOMPARE(diff.needHash, QStringList{});
            if (!diff.blocked.isEmpty()) {
                QVERIFY(!options.deleteExtra);
                continue;
            }
            // Every sent file really differed (or was missing) there.
            QHash<QString, TreeEntry> there;
            for (const TreeEntry& e : dest)
                there.insert(e.path, e);
            QHash<QString, QString> content;
            for (const TreeEntry& e : source)
                content.insert(e.path, e.sha256);
            for (const TreeEntry& e : std::as_const(diff.send)) {
                const auto it = there.constFind(e.path);
                const QString sha = content.value(e.path);
                const bool differs = it == there.cend() || it->type != e.type ||
                                     (e.isFile() && (it->size != e.size || it->sha256 != sha)) ||
                                     (e.isLink() && it->target != e.target);
                QVERIFY2(
                    differs,
                    qPrintable(
                        QStringLiteral("round %1: sent %2 though equal").arg(round).arg(e.path)));
            }
            // Applied, the destination is the source (what rsync's quick check cannot see aside:
            // same size and mtime with other bytes stays, as it does for rsync).
            const Tree result = apply(dest, diff, options, source);
            const QStringList sentList = paths(diff.send);
            const QSet<QString> sent(sentList.cbegin(), sentList.cend());
            for (const TreeEntry& e : source) {
                QVERIFY2(result.contains(e.path),
                         qPrintable(QStringLiteral("round %1: %2 missing").arg(round).arg(e.path)));
                TreeEntry got = result.value(e.path);
                const TreeEntry& before = there.value(e.path);
                if (e.isFile() && got.isFile() && before.isFile() && before.size == e.size &&
                    before.mtimeNs == e.mtimeNs && !sent.contains(e.path))
                    got.sha256 = e.sha256; // equal by size and mtime
                QCOMPARE(describe(got, true), describe(e, true));
            }
            if (options.deleteExtra)
                QCOMPARE(result.size(), source.size());
        }
    }
};

QTEST_GUILESS_MAIN(TestTreeDiff)
#include "tst_treediff.moc"
