#include "engine/recipe/RecipeLoader.h"

#include "engine/inventory/YamlConvert.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

#include <yaml-cpp/yaml.h>

namespace hostdeck::engine {

namespace {

constexpr qint64 kMaxFileBytes = 4 * 1024 * 1024;
constexpr int kMaxIncludeDepth = 16;

const QStringList kTopKeys{QStringLiteral("name"),   QStringLiteral("description"),
                           QStringLiteral("vars"),   QStringLiteral("hosts"),
                           QStringLiteral("serial"), QStringLiteral("max_fail_percentage"),
                           QStringLiteral("steps"),  QStringLiteral("return")};
const QStringList kStepKeys{
    QStringLiteral("name"),          QStringLiteral("when"),   QStringLiteral("register"),
    QStringLiteral("retries"),       QStringLiteral("delay"),  QStringLiteral("timeout"),
    QStringLiteral("ignore_errors"), QStringLiteral("become"), QStringLiteral("check_mode")};
const QStringList kIncludeKeys{QStringLiteral("include"), QStringLiteral("vars"),
                               QStringLiteral("when"), QStringLiteral("name")};

/// Thrown inside this file only (yaml-cpp reports by exception too); load() turns it into an
/// Error naming the file and line.
struct LoadError
{
    SourceLocation where;
    QString message;
};

class Loader
{
public:
    Recipe recipe;

    /// `params`: an include's `vars`, which override the included file's own.
    void loadFile(const QString& path, const QByteArray* text, QList<QJsonObject> layers,
                  const QString& when, QStringList stack, bool top, const QJsonObject& params = {});

private:
    [[noreturn]] static void fail(const QString& file, const YAML::Node& node,
                                  const QString& message)
    {
        throw LoadError{{file, detail::lineOf(node)}, message};
    }
    static QString key(const YAML::Node& node) { return QString::fromStdString(node.Scalar()); }
    static QJsonValue json(const YAML::Node& node)
    {
        return QJsonValue::fromVariant(detail::toVariant(node));
    }
    static bool boolean(const QString& file, const YAML::Node& node, const QString& what);
    static double number(const QString& file, const YAML::Node& node, const QString& what,
                         double min);
    static QString text(const QString& file, const YAML::Node& node, const QString& what);
    void step(const QString& file, const YAML::Node& node, const QList<QJsonObject>& layers,
              const QString& when, const QStringList& stack);
};

bool Loader::boolean(const QString& file, const YAML::Node& node, const QString& what)
{
    const QJsonValue value = json(node);
    if (!value.isBool())
        fail(file, node, QStringLiteral("%1 must be true or false").arg(what));
    return value.toBool();
}

double Loader::number(const QString& file, const YAML::Node& node, const QString& what, double min)
{
    const QJsonValue value = json(node);
    if (!value.isDouble() || value.toDouble() < min)
        fail(file, node, QStringLiteral("%1 must be a number of at least %2").arg(what).arg(min));
    return value.toDouble();
}

QString Loader::text(const QString& file, const YAML::Node& node, const QString& what)
{
    if (!node.IsScalar())
        fail(file, node, QStringLiteral("%1 must be text").arg(what));
    return QString::fromStdString(node.Scalar());
}

QString combined(const QString& outer, const QString& inner)
{
    if (outer.isEmpty())
        return inner;
    if (inner.isEmpty())
        return outer;
    return QStringLiteral("(%1) and (%2)").arg(outer, inner);
}

void Loader::step(const QString& file, const YAML::Node& node, const QList<QJsonObject>& layers,
                  const QString& when, const QStringList& stack)
{
    if (!node.IsMap())
        fail(file, node,
             QStringLiteral("a step must be a mapping (Tool.method: {arguments} or "
                            "include: FILE)"));
    if (node[std::string("include")]) {
        QJsonObject params;
        QString condition;
        for (const auto& entry : node) {
            const QString k = key(entry.first);
            if (!kIncludeKeys.contains(k))
                fail(file, entry.first,
                     QStringLiteral("unknown key '%1' in an include (allowed: %2)")
                         .arg(k, kIncludeKeys.join(QStringLiteral(", "))));
            if (k == QStringLiteral("vars")) {
                if (!entry.second.IsMap())
                    fail(file, entry.second,
                         QStringLiteral("vars of an include must be a mapping"));
                params = json(entry.second).toObject();
            } else if (k == QStringLiteral("when")) {
                condition = text(file, entry.second, QStringLiteral("when"));
            }
        }
        const YAML::Node target = node[std::string("include")];
        const QString name = text(file, target, QStringLiteral("include"));
        const QString path = QFileInfo(QFileInfo(file).dir(), name).absoluteFilePath();
        if (!QFileInfo::exists(path))
            fail(file, target, QStringLiteral("include: no file %1").arg(path));
        try {
            loadFile(path, nullptr, layers, combined(when, condition), stack, false, params);
        } catch (LoadError& error) {
            if (error.message.contains(QStringLiteral("(included from")))
                throw;
            throw LoadError{
                error.where,
                error.message +
                    QStringLiteral(" (included from %1:%2)").arg(file).arg(detail::lineOf(target))};
        }
        return;
    }
    static const QRegularExpression toolMethod(
        QStringLiteral("^([A-Za-z_]\\w*)\\.([A-Za-z_]\\w*)$"));
    RecipeStep s;
    s.where = {file, detail::lineOf(node)};
    s.includeVars = layers;
    s.when = when;
    for (const auto& entry : node) {
        const QString k = key(entry.first);
        const QRegularExpressionMatch call = toolMethod.match(k);
        if (call.hasMatch()) {
            if (!s.tool.isEmpty())
                fail(file, entry.first,
                     QStringLiteral("a step calls one tool method: %1 and %2")
                         .arg(s.tool + QLatin1Char('.') + s.method, k));
            s.tool = call.captured(1);
            s.method = call.captured(2);
            if (entry.second.IsMap())
                s.args = json(entry.second).toObject();
            else if (!entry.second.IsNull())
                fail(file, entry.second,
                     QStringLiteral("the arguments of %1 must be a mapping of parameter: value")
                         .arg(k));
            continue;
        }
        if (!kStepKeys.contains(k))
            fail(file, entry.first,
                 QStringLiteral("unknown key '%1' in a step (a tool method is written "
                                "Tool.method; options: %2)")
                     .arg(k, kStepKeys.join(QStringLiteral(", "))));
        const YAML::Node& v = entry.second;
        if (k == QStringLiteral("name"))
            s.name = text(file, v, k);
        else if (k == QStringLiteral("when"))
            s.when = combined(when,
                              v.IsScalar() ? QString::fromStdString(v.Scalar()) : text(file, v, k));
        else if (k == QStringLiteral("register")) {
            s.registerAs = text(file, v, k);
            static const QRegularExpression identifier(QStringLiteral("^[A-Za-z_]\\w*$"));
            if (!identifier.match(s.registerAs).hasMatch())
                fail(file, v, QStringLiteral("register must be a name (letters, digits, _)"));
        } else if (k == QStringLiteral("retries"))
            s.retries = int(number(file, v, k, 0));
        else if (k == QStringLiteral("delay"))
            s.delay = std::chrono::milliseconds(qint64(number(file, v, k, 0) * 1000));
        else if (k == QStringLiteral("timeout"))
            s.timeout = std::chrono::milliseconds(qint64(number(file, v, k, 0) * 1000));
        else if (k == QStringLiteral("ignore_errors"))
            s.ignoreErrors = boolean(file, v, k);
        else if (k == QStringLiteral("become"))
            s.become = boolean(file, v, k);
        else if (k == QStringLiteral("check_mode"))
            s.checkMode = boolean(file, v, k);
    }
    if (s.tool.isEmpty())
        fail(file, node,
             QStringLiteral("the step calls no tool method (write Tool.method: "
                            "{arguments}, e.g. Exec.run: {argv: [uptime]})"));
    recipe.steps << s;
}

void Loader::loadFile(const QString& path, const QByteArray* given, QList<QJsonObject> layers,
                      const QString& when, QStringList stack, bool top, const QJsonObject& params)
{
    if (stack.contains(path))
        throw LoadError{
            {path, 0},
            QStringLiteral("include cycle: %1").arg((stack << path).join(QStringLiteral(" -> ")))};
    if (stack.size() >= kMaxIncludeDepth)
        throw LoadError{{path, 0},
                        QStringLiteral("includes nested more than %1 deep").arg(kMaxIncludeDepth)};
    stack << path;
    QByteArray bytes;
    if (given) {
        bytes = *given;
    } else {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            throw LoadError{{path, 0}, QStringLiteral("cannot read: %1").arg(file.errorString())};
        if (file.size() > kMaxFileBytes)
            throw LoadError{{path, 0},
                            QStringLiteral("larger than %1 MiB").arg(kMaxFileBytes / 1024 / 1024)};
        bytes = file.readAll();
    }
    if (!recipe.files.contains(path))
        recipe.files << path;
    YAML::Node root;
    try {
        root = YAML::Load(bytes.toStdString());
    } catch (const YAML::Exception& e) {
        throw LoadError{{path, e.mark.line + 1}, QString::fromStdString(e.msg)};
    }
    if (!root.IsMap())
        throw LoadError{{path, 1}, QStringLiteral("a recipe is a mapping with steps: [...]")};
    for (const auto& entry : root) {
        const QString k = key(entry.first);
        if (!kTopKeys.contains(k))
            fail(path, entry.first,
                 QStringLiteral("unknown key '%1' (allowed: %2)")
                     .arg(k, kTopKeys.join(QStringLiteral(", "))));
    }
    QJsonObject vars;
    if (const YAML::Node v = root[std::string("vars")]) {
        if (!v.IsMap())
            fail(path, v, QStringLiteral("vars must be a mapping"));
        vars = json(v).toObject();
    }
    if (top) {
        recipe.file = path;
        recipe.vars = vars;
        if (const YAML::Node n = root[std::string("name")])
            recipe.name = text(path, n, QStringLiteral("name"));
        if (const YAML::Node n = root[std::string("description")])
            recipe.description = text(path, n, QStringLiteral("description"));
        if (const YAML::Node n = root[std::string("hosts")])
            recipe.hosts = text(path, n, QStringLiteral("hosts"));
        if (const YAML::Node n = root[std::string("serial")]) {
            const QJsonValue value = json(n);
            const QJsonArray list = value.isArray() ? value.toArray() : QJsonArray{value};
            for (const QJsonValue& item : list)
                recipe.serial << (item.isDouble() ? QString::number(item.toInt())
                                                  : item.toString());
        }
        if (const YAML::Node n = root[std::string("max_fail_percentage")])
            recipe.maxFailPercentage = number(path, n, QStringLiteral("max_fail_percentage"), 0);
        if (const YAML::Node n = root[std::string("return")])
            recipe.returns = json(n);
    } else {
        layers << vars << params; // the file's vars are defaults the include's vars override
    }
    const YAML::Node steps = root[std::string("steps")];
    if (!steps || !steps.IsSequence())
        fail(path, steps ? steps : root, QStringLiteral("steps must be a list of steps"));
    for (const YAML::Node& node : steps)
        step(path, node, layers, when, stack);
}

} // namespace

QString SourceLocation::toString() const
{
    return line > 0 ? QStringLiteral("%1:%2").arg(file).arg(line) : file;
}

QString RecipeStep::label() const
{
    return name.isEmpty() ? tool + QLatin1Char('.') + method : name;
}

bool RecipeStep::mentions(const QString& word) const
{
    if (when.contains(word))
        return true;
    const QString text = QString::fromUtf8(QJsonDocument(args).toJson());
    return text.contains(QStringLiteral("${")) && text.contains(word);
}

bool RecipeStep::isTemplated() const
{
    return !when.isEmpty() || QJsonDocument(args).toJson(QJsonDocument::Compact).contains("${");
}

bool Recipe::usesFacts() const
{
    for (const RecipeStep& s : steps) {
        if (s.mentions(QStringLiteral("facts")))
            return true;
    }
    if (!returns)
        return false;
    return QJsonDocument(QJsonArray{*returns}).toJson(QJsonDocument::Compact).contains("facts");
}

Result<Recipe> RecipeLoader::load(const QString& path)
{
    const QString absolute = QFileInfo(path).absoluteFilePath();
    if (!QFileInfo::exists(absolute))
        return makeError(ErrorKind::NotFound, QStringLiteral("%1: no such recipe").arg(path));
    Loader loader;
    try {
        loader.loadFile(absolute, nullptr, {}, {}, {}, true);
    } catch (const LoadError& error) {
        return makeError(ErrorKind::Usage,
                         QStringLiteral("%1: %2").arg(error.where.toString(), error.message));
    } catch (const YAML::Exception& e) {
        return makeError(ErrorKind::Usage, QStringLiteral("%1:%2: %3")
                                               .arg(absolute)
                                               .arg(e.mark.line + 1)
                                               .arg(QString::fromStdString(e.msg)));
    }
    return loader.recipe;
}

Result<Recipe> RecipeLoader::parse(const QByteArray& text, const QString& file)
{
    const QString absolute = QFileInfo(file).absoluteFilePath();
    Loader loader;
    try {
        loader.loadFile(absolute, &text, {}, {}, {}, true);
    } catch (const LoadError& error) {
        return makeError(ErrorKind::Usage,
                         QStringLiteral("%1: %2").arg(error.where.toString(), error.message));
    } catch (const YAML::Exception& e) {
        return makeError(ErrorKind::Usage, QStringLiteral("%1:%2: %3")
                                               .arg(absolute)
                                               .arg(e.mark.line + 1)
                                               .arg(QString::fromStdString(e.msg)));
    }
    return loader.recipe;
}

} // namespace hostdeck::engine
