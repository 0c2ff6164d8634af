#include "engine/recipe/RecipeWriter.h"

#include "engine/history/RunHistory.h"
#include "engine/inventory/YamlConvert.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QMap>

#include <algorithm>

#include <yaml-cpp/yaml.h>

namespace hostdeck::engine {

namespace {

void emitJson(YAML::Emitter& out, const QJsonValue& value)
{
    if (value.isString()) {
        detail::emitString(out, value.toString());
        return;
    }
    if (value.isObject()) {
        const QJsonObject object = value.toObject();
        out << YAML::BeginMap;
        for (auto it = object.begin(); it != object.end(); ++it) {
            out << YAML::Key;
            detail::emitString(out, it.key());
            out << YAML::Value;
            emitJson(out, it.value());
        }
        out << YAML::EndMap;
        return;
    }
    if (value.isArray()) {
        out << YAML::BeginSeq;
        for (const QJsonValue& item : value.toArray())
            emitJson(out, item);
        out << YAML::EndSeq;
        return;
    }
    if (value.isDouble()) {
        const double number = value.toDouble();
        // Whole numbers stay integers (a port, a count); others read back as floats.
        if (number == double(qint64(number)) && qAbs(number) < 1e15)
            out << qint64(number);
        else
            out << detail::floatText(number).toStdString();
        return;
    }
    if (value.isBool()) {
        out << value.toBool();
        return;
    }
    out << YAML::Null;
}

void emitKeyString(YAML::Emitter& out, const char* key, const QString& text)
{
    out << YAML::Key << key << YAML::Value;
    detail::emitString(out, text);
}

double seconds(std::chrono::milliseconds ms)
{
    return double(ms.count()) / 1000.0;
}

void emitStep(YAML::Emitter& out, const RecipeStep& step)
{
    out << YAML::BeginMap;
    if (!step.name.isEmpty())
        emitKeyString(out, "name", step.name);
    out << YAML::Key << QString(step.tool + QLatin1Char('.') + step.method).toStdString()
        << YAML::Value;
    emitJson(out, step.args);
    if (!step.when.isEmpty())
        emitKeyString(out, "when", step.when);
    if (!step.registerAs.isEmpty())
        emitKeyString(out, "register", step.registerAs);
    if (step.retries > 0)
        out << YAML::Key << "retries" << YAML::Value << step.retries;
    if (step.delay != std::chrono::milliseconds(1000)) {
        out << YAML::Key << "delay" << YAML::Value;
        emitJson(out, seconds(step.delay));
    }
    if (step.timeout.count() > 0) {
        out << YAML::Key << "timeout" << YAML::Value;
        emitJson(out, seconds(step.timeout));
    }
    if (step.ignoreErrors)
        out << YAML::Key << "ignore_errors" << YAML::Value << true;
    if (step.become)
        out << YAML::Key << "become" << YAML::Value << *step.become;
    if (step.checkMode)
        out << YAML::Key << "check_mode" << YAML::Value << *step.checkMode;
    out << YAML::EndMap;
}

QByteArray finished(const YAML::Emitter& out)
{
    QByteArray text(out.c_str(), qsizetype(out.size()));
    if (!text.endsWith('\n'))
        text += '\n';
    return text;
}

/// `args` with every redacted value replaced by a reference to a variable named after it.
QJsonObject unredacted(const QJsonObject& args, QStringList& secrets)
{
    QJsonObject out = args;
    for (auto it = out.begin(); it != out.end(); ++it) {
        if (it.value().toString() == RunHistory::redactedMarker()) {
            secrets << it.key();
            it.value() = QStringLiteral("${%1}").arg(it.key());
        }
    }
    return out;
}

QString hostList(const QStringList& hosts)
{
    QStringList quoted;
    for (const QString& host : hosts)
        quoted << QLatin1Char('\'') +
                      QString(host).replace(QLatin1Char('\''), QStringLiteral("\\'")) +
                      QLatin1Char('\'');
    return QStringLiteral("inventory_hostname in [%1]").arg(quoted.join(QStringLiteral(", ")));
}

} // namespace

QByteArray RecipeWriter::stepToYaml(const RecipeStep& step)
{
    YAML::Emitter out;
    emitStep(out, step);
    return finished(out);
}

QByteArray RecipeWriter::toYaml(const Recipe& recipe)
{
    YAML::Emitter out;
    out << YAML::BeginMap;
    if (!recipe.name.isEmpty())
        emitKeyString(out, "name", recipe.name);
    if (!recipe.description.isEmpty())
        emitKeyString(out, "description", recipe.description);
    if (!recipe.hosts.isEmpty())
        emitKeyString(out, "hosts", recipe.hosts);
    if (!recipe.serial.isEmpty()) {
        out << YAML::Key << "serial" << YAML::Value << YAML::Flow << YAML::BeginSeq;
        for (const QString& batch : recipe.serial) {
            bool number = false;
            const int count = batch.toInt(&number);
            if (number)
                out << count;
            else
                detail::emitString(out, batch);
        }
        out << YAML::EndSeq;
    }
    if (recipe.maxFailPercentage) {
        out << YAML::Key << "max_fail_percentage" << YAML::Value;
        emitJson(out, *recipe.maxFailPercentage);
    }
    if (!recipe.vars.isEmpty()) {
        out << YAML::Key << "vars" << YAML::Value;
        emitJson(out, recipe.vars);
    }
    out << YAML::Key << "steps" << YAML::Value << YAML::BeginSeq;
    for (const RecipeStep& step : recipe.steps)
        emitStep(out, step);
    out << YAML::EndSeq;
    if (recipe.returns) {
        out << YAML::Key << "return" << YAML::Value;
        emitJson(out, *recipe.returns);
    }
    out << YAML::EndMap;
    return finished(out);
}

namespace {

/// One run's steps (and its recipe's name and variables), without the description.
Result<Recipe> stepsOfRun(const HistoryRun& run, QStringList& secrets)
{
    const QString kind = run.plan.value(QStringLiteral("kind")).toString();
    Recipe recipe;
    recipe.hosts = !run.pattern.isEmpty() ? run.pattern : run.hosts.join(QLatin1Char(','));
    if (kind == QStringLiteral("recipe")) {
        recipe.name = run.plan.value(QStringLiteral("name")).toString();
        recipe.vars = run.plan.value(QStringLiteral("vars")).toObject();
        for (const QJsonValue& value : run.plan.value(QStringLiteral("steps")).toArray()) {
            const QJsonObject saved = value.toObject();
            const QString call = saved.value(QStringLiteral("call")).toString();
            const qsizetype dot = call.indexOf(QLatin1Char('.'));
            if (dot <= 0)
                return makeError(ErrorKind::InvalidArgument,
                                 QStringLiteral("history run %1: a step without a tool method "
                                                "(%2)")
                                     .arg(run.id)
                                     .arg(call));
            RecipeStep step;
            step.tool = call.left(dot);
            step.method = call.mid(dot + 1);
            const QString name = saved.value(QStringLiteral("name")).toString();
            step.name = name == call ? QString() : name;
            step.args = unredacted(saved.value(QStringLiteral("args")).toObject(), secrets);
            recipe.steps << step;
        }
    } else if (kind == QStringLiteral("call") || (kind.isEmpty() && !run.tool.isEmpty())) {
        const QString tool = run.plan.value(QStringLiteral("tool")).toString(run.tool);
        const QString method = run.plan.value(QStringLiteral("method")).toString(run.method);
        recipe.name = QStringLiteral("%1.%2").arg(tool, method);
        const QJsonObject hostArgs = run.plan.value(QStringLiteral("host_args")).toObject();
        if (hostArgs.isEmpty()) {
            RecipeStep step;
            step.tool = tool;
            step.method = method;
            step.args = unredacted(run.plan.contains(QStringLiteral("args"))
                                       ? run.plan.value(QStringLiteral("args")).toObject()
                                       : run.args,
                                   secrets);
            recipe.steps << step;
        } else {
            // One step per distinct set of arguments, in the order the hosts were targeted.
            QList<QJsonObject> sets;
            QList<QStringList> hostsOf;
            QStringList order = run.hosts;
            for (auto it = hostArgs.begin(); it != hostArgs.end(); ++it) {
                if (!order.contains(it.key()))
                    order << it.key();
            }
            for (const QString& host : std::as_const(order)) {
                if (!hostArgs.contains(host))
                    continue;
                const QJsonObject args = hostArgs.value(host).toObject();
                const qsizetype at = sets.indexOf(args);
                if (at < 0) {
                    sets << args;
                    hostsOf << QStringList{host};
                } else {
                    hostsOf[at] << host;
                }
            }
            for (qsizetype i = 0; i < sets.size(); ++i) {
                RecipeStep step;
                step.tool = tool;
                step.method = method;
                step.args = unredacted(sets.at(i), secrets);
                step.when = hostList(hostsOf.at(i));
                recipe.steps << step;
            }
        }
    } else {
        return makeError(ErrorKind::InvalidArgument,
                         QStringLiteral("history run %1 (%2) cannot be saved as a recipe: only "
                                        "tool calls and recipe runs can")
                             .arg(run.id)
                             .arg(kind.isEmpty() ? QStringLiteral("no plan") : kind));
    }
    if (recipe.steps.isEmpty())
        return makeError(ErrorKind::InvalidArgument,
                         QStringLiteral("history run %1 has no steps to save").arg(run.id));
    return recipe;
}

QString startedText(const HistoryRun& run)
{
    return run.startedAt.isValid() ? run.startedAt.toString(Qt::ISODate)
                                   : QStringLiteral("an unknown time");
}

void noteSecrets(Recipe& recipe, QStringList secrets)
{
    secrets.removeDuplicates();
    if (!secrets.isEmpty())
        recipe.description +=
            QStringLiteral("; secrets were not stored: give %1 with -e when running")
                .arg(secrets.join(QStringLiteral(", ")));
}

} // namespace

Result<Recipe> RecipeWriter::fromHistory(const HistoryRun& run)
{
    QStringList secrets;
    Result<Recipe> recipe = stepsOfRun(run, secrets);
    if (!recipe)
        return recipe;
    recipe->description =
        QStringLiteral("Saved from history run %1 (%2)").arg(run.id).arg(startedText(run));
    noteSecrets(*recipe, secrets);
    return recipe;
}

Result<Recipe> RecipeWriter::fromHistory(const QList<HistoryRun>& runs)
{
    if (runs.isEmpty())
        return makeError(ErrorKind::InvalidArgument,
                         QStringLiteral("no history run to save as a recipe"));
    if (runs.size() == 1)
        return fromHistory(runs.constFirst());
    // Oldest first: the order they ran in (by start time, then by id for equal times).
    QList<HistoryRun> ordered = runs;
    std::stable_sort(ordered.begin(), ordered.end(), [](const HistoryRun& a, const HistoryRun& b) {
        if (a.startedAt.isValid() && b.startedAt.isValid() && a.startedAt != b.startedAt)
            return a.startedAt < b.startedAt;
        return a.id < b.id;
    });
    // The recipe targets every host of every run; a run on fewer hosts keeps them by a condition.
    QStringList allHosts;
    bool samePattern = true;
    for (const HistoryRun& run : std::as_const(ordered)) {
        for (const QString& host : run.hosts) {
            if (!allHosts.contains(host))
                allHosts << host;
        }
        samePattern = samePattern && run.pattern == ordered.constFirst().pattern;
    }
    Recipe recipe;
    QStringList secrets;
    QStringList ids;
    for (const HistoryRun& run : std::as_const(ordered)) {
        const Result<Recipe> one = stepsOfRun(run, secrets);
        if (!one)
            return one.error();
        for (auto it = one->vars.begin(); it != one->vars.end(); ++it) {
            if (recipe.vars.contains(it.key()) && recipe.vars.value(it.key()) != it.value())
                return makeError(ErrorKind::InvalidArgument,
                                 QStringLiteral("history run %1 gives the variable '%2' another "
                                                "value than an earlier run: save them apart")
                                     .arg(run.id)
                                     .arg(it.key()));
            recipe.vars.insert(it.key(), it.value());
        }
        QStringList runHosts = run.hosts;
        runHosts.removeDuplicates();
        const bool everyHost = runHosts.size() == allHosts.size();
        for (RecipeStep step : one->steps) {
            if (step.when.isEmpty() && !everyHost)
                step.when = hostList(runHosts);
            recipe.steps << step;
        }
        ids << QString::number(run.id);
    }
    const HistoryRun& first = ordered.constFirst();
    recipe.hosts = samePattern && !first.pattern.isEmpty() && first.hosts == allHosts
                       ? first.pattern
                       : allHosts.join(QLatin1Char(','));
    recipe.name = QStringLiteral("%1 runs from the history").arg(ordered.size());
    recipe.description = QStringLiteral("Saved from history runs %1 (%2 to %3)")
                             .arg(ids.join(QStringLiteral(", ")), startedText(first),
                                  startedText(ordered.constLast()));
    noteSecrets(recipe, secrets);
    return recipe;
}

} // namespace hostdeck::engine
