#include "engine/api/OpenApiParts.h"

#include <QJsonArray>

namespace hostdeck::engine::api::openapi {

namespace {

using Props = std::initializer_list<std::pair<QString, QJsonValue>>;

QJsonObject typed(const char* type, const QString& description = {})
{
    QJsonObject o{{QStringLiteral("type"), QString::fromLatin1(type)}};
    if (!description.isEmpty())
        o.insert(QStringLiteral("description"), description);
    return o;
}
QJsonObject str(const QString& d = {})
{
    return typed("string", d);
}
QJsonObject integer(const QString& d = {})
{
    return typed("integer", d);
}
QJsonObject number(const QString& d = {})
{
    return typed("number", d);
}
QJsonObject boolean(const QString& d = {})
{
    return typed("boolean", d);
}
QJsonObject anyValue(const QString& d)
{
    return {{QStringLiteral("description"), d}};
}
QJsonObject with(QJsonObject o, const QString& key, const QJsonValue& value)
{
    o.insert(key, value);
    return o;
}
QJsonObject arrayOf(const QJsonObject& items, const QString& d = {})
{
    return with(typed("array", d), QStringLiteral("items"), items);
}
QJsonObject enumOf(const QStringList& values, const QString& d = {})
{
    return with(str(d), QStringLiteral("enum"), QJsonArray::fromStringList(values));
}
QJsonObject object(Props props, const QStringList& required = {}, const QString& d = {},
                   bool closed = false)
{
    QJsonObject properties;
    for (const auto& [name, schema] : props)
        properties.insert(name, schema);
    QJsonObject o = typed("object", d);
    o.insert(QStringLiteral("properties"), properties);
    if (!required.isEmpty())
        o.insert(QStringLiteral("required"), QJsonArray::fromStringList(required));
    if (closed)
        o.insert(QStringLiteral("additionalProperties"), false);
    return o;
}
QJsonObject nullable(QJsonObject schema)
{
    // OpenAPI 3.0: `nullable` needs a `type` beside it (every schema made nullable here is an
    // object).
    if (schema.contains(QStringLiteral("$ref")))
        return {{QStringLiteral("type"), QStringLiteral("object")},
                {QStringLiteral("allOf"), QJsonArray{schema}},
                {QStringLiteral("nullable"), true}};
    return with(schema, QStringLiteral("nullable"), true);
}
QJsonObject errorRef(const char* name)
{
    return {{QStringLiteral("$ref"),
             QString(QStringLiteral("#/components/responses/") + QString::fromLatin1(name))}};
}
QJsonObject okJson(const QString& description, const QJsonObject& schema)
{
    return {{QStringLiteral("description"), description},
            {QStringLiteral("content"),
             QJsonObject{{QStringLiteral("application/json"),
                          QJsonObject{{QStringLiteral("schema"), schema}}}}}};
}
/// The responses every operation can give, plus `extra`.
QJsonObject responses(std::initializer_list<std::pair<QString, QJsonValue>> extra,
                      QStringList errors = {})
{
    QJsonObject r;
    for (const auto& [code, value] : extra)
        r.insert(code, value);
    errors << QStringLiteral("401") << QStringLiteral("403");
    for (const QString& code : std::as_const(errors))
        r.insert(code, errorRef(code == QStringLiteral("400")   ? "BadRequest"
                                : code == QStringLiteral("401") ? "Unauthorized"
                                : code == QStringLiteral("403") ? "Forbidden"
                                : code == QStringLiteral("404") ? "NotFound"
                                : code == QStringLiteral("409") ? "Conflict"
                                : code == QStringLiteral("501") ? "NotImplemented"
                                                                : "Unavailable"));
    return r;
}
QJsonObject pathParam(const QString& name, const QString& description, bool isInteger = false)
{
    return {{QStringLiteral("name"), name},
            {QStringLiteral("in"), QStringLiteral("path")},
            {QStringLiteral("required"), true},
            {QStringLiteral("description"), description},
            {QStringLiteral("schema"), isInteger ? integer() : str()}};
}
QJsonObject queryParam(const QString& name, const QString& description, const QJsonObject& schema)
{
    return {{QStringLiteral("name"), name},
            {QStringLiteral("in"), QStringLiteral("query")},
            {QStringLiteral("required"), false},
            {QStringLiteral("description"), description},
            {QStringLiteral("schema"), schema}};
}
QJsonObject operation(const QString& id, const QString& tag, const QString& summary,
                      const QJsonObject& responses, const QJsonArray& parameters = {},
                      const QJsonObject& body = {})
{
    QJsonObject o{{QStringLiteral("operationId"), id},
                  {QStringLiteral("tags"), QJsonArray{tag}},
                  {QStringLiteral("summary"), summary},
                  {QStringLiteral("responses"), responses}};
    if (!parameters.isEmpty())
        o.insert(QStringLiteral("parameters"), parameters);
    if (!body.isEmpty())
        o.insert(QStringLiteral("requestBody"), body);
    return o;
}

const QStringList kStatuses{QStringLiteral("ok"),       QStringLiteral("changed"),
                            QStringLiteral("failed"),   QStringLiteral("unreachable"),
                            QStringLiteral("skipped"),  QStringLiteral("timed_out"),
                            QStringLiteral("cancelled")};
const QStringList kEvents{QStringLiteral("run.started"), QStringLiteral("host.state"),
                          QStringLiteral("step.output"), QStringLiteral("step.result"),
                          QStringLiteral("host.result"), QStringLiteral("run.finished")};

} // namespace

QJsonObject ref(const QString& schema)
{
    return {{QStringLiteral("$ref"), QString(QStringLiteral("#/components/schemas/") + schema)}};
}

QJsonObject jsonBody(const QJsonObject& schema, bool required)
{
    return {{QStringLiteral("required"), required},
            {QStringLiteral("content"),
             QJsonObject{{QStringLiteral("application/json"),
                          QJsonObject{{QStringLiteral("schema"), schema}}}}}};
}

QJsonObject info(const QString& version)
{
    return {{QStringLiteral("title"), QStringLiteral("Hostdeck")},
            {QStringLiteral("version"), version},
            {QStringLiteral("description"),
             QStringLiteral(
                 "The local REST API of Hostdeck (`hostdeck-cli serve`, or the desktop app's "
                 "Tools > Serve REST API). It listens on the loopback addresses only; every "
                 "request carries the bearer token from the token file "
                 "($XDG_RUNTIME_DIR/hostdeck/api.json). This document is generated from the "
                 "tool descriptions the server has loaded: each tool method is an operation "
                 "under /v1/call/.")},
            {QStringLiteral("license"),
             QJsonObject{
                 {QStringLiteral("name"), QStringLiteral("Hostdeck licence")},
                 {QStringLiteral("url"), QStringLiteral("http://127.0.0.1/hostdeck/LICENSE")}}}};
}

QJsonArray fixedTags()
{
    auto tag = [](const char* name, const char* description) {
        return QJsonObject{{QStringLiteral("name"), QString::fromLatin1(name)},
                           {QStringLiteral("description"), QString::fromLatin1(description)}};
    };
    return {tag("meta", "This document."),
            tag("tools", "The tool descriptions the server has loaded."),
            tag("inventories", "The inventories the server serves and their hosts."),
            tag("runs", "Runs: start, stream, fetch, cancel."),
            tag("history", "The run history."),
            tag("host-keys", "Unknown host keys waiting for a decision.")};
}

QJsonObject fixedSchemas()
{
    QJsonObject s;
    s.insert(QStringLiteral("Error"),
             object({{QStringLiteral("error"),
                      object({{QStringLiteral("kind"), str(QStringLiteral("An error kind."))},
                              {QStringLiteral("message"), str()},
                              {QStringLiteral("field"),
                               str(QStringLiteral("The request field that was refused."))}},
                             {QStringLiteral("kind"), QStringLiteral("message")})}},
                    {QStringLiteral("error")}));
    s.insert(QStringLiteral("CallError"),
             object({{QStringLiteral("kind"), str()},
                     {QStringLiteral("message"), str()},
                     {QStringLiteral("type"), str(QStringLiteral("The Python exception type."))},
                     {QStringLiteral("traceback"), arrayOf(anyValue(QStringLiteral("A frame.")))},
                     {QStringLiteral("details"), typed("object")}},
                    {QStringLiteral("kind"), QStringLiteral("message")}));
    s.insert(
        QStringLiteral("HostRecord"),
        object(
            {{QStringLiteral("host"), str()},
             {QStringLiteral("status"), enumOf(kStatuses)},
             {QStringLiteral("ok"), boolean()},
             {QStringLiteral("changed"), boolean(QStringLiteral("In check mode: would change."))},
             {QStringLiteral("check"), boolean()},
             {QStringLiteral("value"), anyValue(QStringLiteral("What the tool returned."))},
             {QStringLiteral("error"), nullable(ref(QStringLiteral("CallError")))},
             {QStringLiteral("duration"), number(QStringLiteral("Seconds."))},
             {QStringLiteral("step"), str()},
             {QStringLiteral("steps"), arrayOf(ref(QStringLiteral("HostRecord")))}},
            {QStringLiteral("host"), QStringLiteral("status"), QStringLiteral("ok"),
             QStringLiteral("changed")},
            QStringLiteral("One host's record (the shape of `hostdeck-cli call --json`).")));
    QJsonObject summary =
        object({{QStringLiteral("summary"), boolean()},
                {QStringLiteral("total"), integer()},
                {QStringLiteral("ok"), integer()},
                {QStringLiteral("changed"), integer()},
                {QStringLiteral("failed"), integer()},
                {QStringLiteral("unreachable"), integer()},
                {QStringLiteral("skipped"), integer()},
                {QStringLiteral("timed_out"), integer()},
                {QStringLiteral("cancelled"), integer()},
                {QStringLiteral("check"), boolean()},
                {QStringLiteral("elapsed"), number(QStringLiteral("Seconds."))},
                {QStringLiteral("refused"),
                 object({{QStringLiteral("kind"), str()}, {QStringLiteral("message"), str()}})}},
               {QStringLiteral("total")});
    s.insert(QStringLiteral("Summary"), summary);
    s.insert(QStringLiteral("RunEvent"),
             with(object({{QStringLiteral("event"), enumOf(kEvents)},
                          {QStringLiteral("run"), str()},
                          {QStringLiteral("time"), number(QStringLiteral("Seconds since the run "
                                                                         "started."))},
                          {QStringLiteral("host"), str()},
                          {QStringLiteral("state"), str()},
                          {QStringLiteral("step"), str()},
                          {QStringLiteral("stream"), str()},
                          {QStringLiteral("data"), anyValue(QStringLiteral("Live output."))},
                          {QStringLiteral("record"), ref(QStringLiteral("HostRecord"))},
                          {QStringLiteral("summary"), ref(QStringLiteral("Summary"))}},
                         {QStringLiteral("event"), QStringLiteral("run")},
                         QStringLiteral("One event of a run (RunEvent::toJson).")),
                  QStringLiteral("additionalProperties"), true));
    s.insert(QStringLiteral("RunStarted"),
             object({{QStringLiteral("run"), str()},
                     {QStringLiteral("title"), str()},
                     {QStringLiteral("targets"), arrayOf(str())},
                     {QStringLiteral("url"), str()},
                     {QStringLiteral("events"), str()}},
                    {QStringLiteral("run"), QStringLiteral("targets")}));
    s.insert(QStringLiteral("Run"),
             object({{QStringLiteral("run"), str()},
                     {QStringLiteral("state"),
                      enumOf({QStringLiteral("running"), QStringLiteral("finished")})},
                     {QStringLiteral("title"), str()},
                     {QStringLiteral("targets"), arrayOf(str())},
                     {QStringLiteral("started"), typed("object")},
                     {QStringLiteral("records"), arrayOf(ref(QStringLiteral("HostRecord")))},
                     {QStringLiteral("summary"), nullable(ref(QStringLiteral("Summary")))},
                     {QStringLiteral("events"), integer()},
                     {QStringLiteral("dropped_output"), integer()}},
                    {QStringLiteral("run"), QStringLiteral("state")}));
    s.insert(QStringLiteral("RunList"),
             arrayOf(object({{QStringLiteral("run"), str()},
                             {QStringLiteral("state"), str()},
                             {QStringLiteral("title"), str()},
                             {QStringLiteral("summary"), nullable(ref(QStringLiteral("Summary")))}},
                            {QStringLiteral("run")})));
    s.insert(QStringLiteral("RecipeRunRequest"),
             with(callRequestSchema(), QStringLiteral("properties"),
                  with(callRequestSchema().value(QStringLiteral("properties")).toObject(),
                       QStringLiteral("recipe"),
                       anyValue(QStringLiteral(
                           "A recipe: its YAML text, the NAME of a recipe in "
                           "$XDG_DATA_HOME/hostdeck/recipes or an absolute path, the recipe as an "
                           "object ({steps, vars, ...}), or {file, vars}.")))));
    QJsonObject callRun = callRequestSchema();
    QJsonObject callProps = callRun.value(QStringLiteral("properties")).toObject();
    callProps.insert(QStringLiteral("tool"), str(QStringLiteral("e.g. Exec")));
    callProps.insert(QStringLiteral("method"), str(QStringLiteral("e.g. run")));
    callProps.insert(QStringLiteral("args"),
                     with(typed("object", QStringLiteral("Checked against the tool's description "
                                                         "(see the /v1/call/ operations).")),
                          QStringLiteral("additionalProperties"), true));
    callRun.insert(QStringLiteral("properties"), callProps);
    callRun.insert(QStringLiteral("required"),
                   QJsonArray{QStringLiteral("tool"), QStringLiteral("method")});
    s.insert(QStringLiteral("CallRunRequest"), callRun);
    s.insert(QStringLiteral("RunStartRequest"),
             QJsonObject{
                 {QStringLiteral("oneOf"), QJsonArray{ref(QStringLiteral("CallRunRequest")),
                                                      ref(QStringLiteral("RecipeRunRequest"))}}});
    s.insert(QStringLiteral("HistoryEntry"),
             object({{QStringLiteral("id"), integer()},
                     {QStringLiteral("started"),
                      with(str(), QStringLiteral("format"), QStringLiteral("date-time"))},
                     {QStringLiteral("tool"), str()},
                     {QStringLiteral("method"), str()},
                     {QStringLiteral("args"), typed("object", QStringLiteral("Secrets redacted."))},
                     {QStringLiteral("check"), boolean()},
                     {QStringLiteral("pattern"), str()},
                     {QStringLiteral("hosts"), arrayOf(str())},
                     {QStringLiteral("inventory"), str()},
                     {QStringLiteral("origin"), str()},
                     {QStringLiteral("plan"), typed("object")},
                     {QStringLiteral("summary"), typed("object")},
                     {QStringLiteral("finished"), boolean()},
                     {QStringLiteral("results"), arrayOf(ref(QStringLiteral("HostRecord")))}},
                    {QStringLiteral("id")}));
    s.insert(QStringLiteral("HostKeyQuestion"),
             object({{QStringLiteral("id"), str()},
                     {QStringLiteral("host"), str()},
                     {QStringLiteral("port"), integer()},
                     {QStringLiteral("key_type"), str()},
                     {QStringLiteral("fingerprint"), str()},
                     {QStringLiteral("known_hosts_file"), str()},
                     {QStringLiteral("expires_in"),
                      number(QStringLiteral("Seconds until the key is rejected."))}},
                    {QStringLiteral("id"), QStringLiteral("host"), QStringLiteral("fingerprint")}));
    s.insert(QStringLiteral("HostKeyDecision"),
             object({{QStringLiteral("decision"),
                      enumOf({QStringLiteral("accept_once"), QStringLiteral("accept_and_save"),
                              QStringLiteral("reject")})}},
                    {QStringLiteral("decision")}, {}, true));
    s.insert(QStringLiteral("Inventory"), object({{QStringLiteral("id"), str()},
                                                  {QStringLiteral("path"), str()},
                                                  {QStringLiteral("hosts"), integer()},
                                                  {QStringLiteral("groups"), arrayOf(str())}},
                                                 {QStringLiteral("id")}));
    s.insert(QStringLiteral("InventoryHosts"),
             object({{QStringLiteral("inventory"), str()},
                     {QStringLiteral("pattern"), str()},
                     {QStringLiteral("hosts"),
                      arrayOf(object({{QStringLiteral("name"), str()},
                                      {QStringLiteral("groups"), arrayOf(str())},
                                      {QStringLiteral("address"), str()},
                                      {QStringLiteral("port"), integer()},
                                      {QStringLiteral("user"), str()},
                                      {QStringLiteral("connection"), str()}},
                                     {QStringLiteral("name")}))},
                     {QStringLiteral("warnings"), arrayOf(str())}},
                    {QStringLiteral("hosts")}));
    s.insert(QStringLiteral("Tool"),
             with(object({{QStringLiteral("tool"), str()},
                          {QStringLiteral("module"), str()},
                          {QStringLiteral("doc"), str()},
                          {QStringLiteral("custom"), boolean()},
                          {QStringLiteral("methods"), arrayOf(typed("object"))}},
                         {QStringLiteral("tool")},
                         QStringLiteral("A tool description (PROTOCOL.md section 5).")),
                  QStringLiteral("additionalProperties"), true));
    return s;
}

QJsonObject callRequestSchema()
{
    return object(
        {{QStringLiteral("pattern"),
          str(QStringLiteral("Host pattern over the inventory (Ansible syntax), e.g. "
                             "`web:&prod`. Default: all.`localhost` is this machine."))},
         {QStringLiteral("inventory"),
          str(QStringLiteral("Id of a served inventory (GET /v1/inventories); default: the "
                             "first."))},
         {QStringLiteral("hosts"),
          arrayOf(str(), QStringLiteral("Ad-hoc SSH destinations [user@]host[:port] instead "
                                        "of a pattern."))},
         {QStringLiteral("check"),
          with(boolean(QStringLiteral("Check mode: report what would change.")),
               QStringLiteral("default"), false)},
         {QStringLiteral("forks"),
          with(with(integer(QStringLiteral("Hosts at once.")), QStringLiteral("minimum"), 1),
               QStringLiteral("default"), 100)},
         {QStringLiteral("timeout"),
          with(with(number(QStringLiteral("Call timeout in seconds unless the tool declares its "
                                          "own; 0: none.")),
                    QStringLiteral("minimum"), 0),
               QStringLiteral("default"), 600)},
         {QStringLiteral("deadline"),
          with(with(number(QStringLiteral("Seconds the whole run may take; 0: none.")),
                    QStringLiteral("minimum"), 0),
               QStringLiteral("default"), 0)},
         {QStringLiteral("serial"),
          arrayOf(str(), QStringLiteral("Rollout batches: counts or percentages."))},
         {QStringLiteral("max_fail_percentage"),
          with(with(number(), QStringLiteral("minimum"), 0), QStringLiteral("maximum"), 100)}},
        {}, {}, true);
}

QJsonObject runStartResponses()
{
    return responses(
        {{QStringLiteral("201"), okJson(QStringLiteral("The run started; stream its events."),
                                        ref(QStringLiteral("RunStarted")))}},
        {QStringLiteral("400"), QStringLiteral("404"), QStringLiteral("503")});
}

QJsonObject errorResponses()
{
    auto error = [](const char* description) {
        return okJson(QString::fromLatin1(description), ref(QStringLiteral("Error")));
    };
    return {{QStringLiteral("BadRequest"), error("A field of the request was refused.")},
            {QStringLiteral("Unauthorized"), error("No or a wrong bearer token.")},
            {QStringLiteral("Forbidden"), error("The Host header is not a loopback name.")},
            {QStringLiteral("NotFound"), error("No such thing.")},
            {QStringLiteral("Conflict"), error("Not possible in this state.")},
            {QStringLiteral("NotImplemented"), error("Not available in this build.")},
            {QStringLiteral("Unavailable"), error("The tools are still being described.")}};
}

QJsonObject fixedPaths()
{
    const QJsonObject runParam = pathParam(QStringLiteral("run"), QStringLiteral("Run id."));
    const QJsonObject historyParam =
        pathParam(QStringLiteral("id"), QStringLiteral("History id."), true);
    QJsonObject p;
    p.insert(
        QStringLiteral("/openapi.json"),
        QJsonObject{
            {QStringLiteral("get"),
             operation(QStringLiteral("getOpenApi"), QStringLiteral("meta"),
                       QStringLiteral("This document"),
                       responses({{QStringLiteral("200"),
                                   okJson(QStringLiteral("OpenAPI 3.0."), typed("object"))}}))}});
    p.insert(QStringLiteral("/v1/tools"),
             QJsonObject{{QStringLiteral("get"),
                          operation(QStringLiteral("listTools"), QStringLiteral("tools"),
                                    QStringLiteral("Tool descriptions (internal methods hidden)"),
                                    responses({{QStringLiteral("200"),
                                                okJson(QStringLiteral("The tools."),
                                                       arrayOf(ref(QStringLiteral("Tool"))))}},
                                              {QStringLiteral("503")}))}});
    p.insert(
        QStringLiteral("/v1/inventories"),
        QJsonObject{{QStringLiteral("get"),
                     operation(QStringLiteral("listInventories"), QStringLiteral("inventories"),
                               QStringLiteral("Served inventories"),
                               responses({{QStringLiteral("200"),
                                           okJson(QStringLiteral("The inventories."),
                                                  arrayOf(ref(QStringLiteral("Inventory"))))}}))}});
    p.insert(
        QStringLiteral("/v1/inventories/{inventory}/hosts"),
        QJsonObject{
            {QStringLiteral("get"),
             operation(
                 QStringLiteral("listInventoryHosts"), QStringLiteral("inventories"),
                 QStringLiteral("Hosts a pattern selects (no variables, never a secret)"),
                 responses({{QStringLiteral("200"), okJson(QStringLiteral("The hosts."),
                                                           ref(QStringLiteral("InventoryHosts")))}},
                           {QStringLiteral("400"), QStringLiteral("404")}),
                 QJsonArray{pathParam(QStringLiteral("inventory"), QStringLiteral("Inventory id.")),
                            queryParam(QStringLiteral("pattern"),
                                       QStringLiteral("Host pattern; default all."), str())})}});
    p.insert(
        QStringLiteral("/v1/runs"),
        QJsonObject{
            {QStringLiteral("get"),
             operation(
                 QStringLiteral("listRuns"), QStringLiteral("runs"),
                 QStringLiteral("Runs started over this API (kept in memory)"),
                 responses({{QStringLiteral("200"), okJson(QStringLiteral("The runs."),
                                                           ref(QStringLiteral("RunList")))}}))},
            {QStringLiteral("post"),
             operation(QStringLiteral("startRun"), QStringLiteral("runs"),
                       QStringLiteral("Start a run: a tool call on a pattern, or a recipe"),
                       with(runStartResponses(), QStringLiteral("501"), errorRef("NotImplemented")),
                       {}, jsonBody(ref(QStringLiteral("RunStartRequest"))))}});
    p.insert(QStringLiteral("/v1/runs/{run}"),
             QJsonObject{
                 {QStringLiteral("get"),
                  operation(QStringLiteral("getRun"), QStringLiteral("runs"),
                            QStringLiteral("A run: its records and summary"),
                            responses({{QStringLiteral("200"), okJson(QStringLiteral("The run."),
                                                                      ref(QStringLiteral("Run")))}},
                                      {QStringLiteral("404")}),
                            QJsonArray{runParam})}});
    QJsonObject stream{
        {QStringLiteral("description"),
         QStringLiteral("Server-sent events (`id`, `event`, `data` = one RunEvent), or one "
                        "RunEvent per line with format=jsonl; ends after run.finished.")},
        {QStringLiteral("content"),
         QJsonObject{
             {QStringLiteral("text/event-stream"), QJsonObject{{QStringLiteral("schema"), str()}}},
             {QStringLiteral("application/x-ndjson"),
              QJsonObject{{QStringLiteral("schema"), ref(QStringLiteral("RunEvent"))}}}}}};
    p.insert(
        QStringLiteral("/v1/runs/{run}/events"),
        QJsonObject{
            {QStringLiteral("get"),
             operation(
                 QStringLiteral("streamRunEvents"), QStringLiteral("runs"),
                 QStringLiteral("The run's events as they happen, from the first"),
                 responses({{QStringLiteral("200"), stream}}, {QStringLiteral("404")}),
                 QJsonArray{runParam,
                            queryParam(QStringLiteral("format"),
                                       QStringLiteral("sse (default) or jsonl."),
                                       enumOf({QStringLiteral("sse"), QStringLiteral("jsonl")})),
                            queryParam(QStringLiteral("from"),
                                       QStringLiteral("First event index to send (as "
                                                      "Last-Event-ID + 1)."),
                                       with(integer(), QStringLiteral("minimum"), 0))})}});
    p.insert(QStringLiteral("/v1/runs/{run}/cancel"),
             QJsonObject{{QStringLiteral("post"),
                          operation(QStringLiteral("cancelRun"), QStringLiteral("runs"),
                                    QStringLiteral("Cancel a run"),
                                    responses({{QStringLiteral("202"),
                                                okJson(QStringLiteral("Cancelling."),
                                                       ref(QStringLiteral("RunStarted")))}},
                                              {QStringLiteral("404")}),
                                    QJsonArray{runParam})}});
    p.insert(
        QStringLiteral("/v1/history"),
        QJsonObject{{QStringLiteral("get"),
                     operation(QStringLiteral("listHistory"), QStringLiteral("history"),
                               QStringLiteral("Stored runs, newest first"),
                               responses({{QStringLiteral("200"),
                                           okJson(QStringLiteral("The runs."),
                                                  arrayOf(ref(QStringLiteral("HistoryEntry"))))}},
                                         {QStringLiteral("503")}),
                               QJsonArray{queryParam(
                                   QStringLiteral("limit"), QStringLiteral("At most this many."),
                                   with(integer(), QStringLiteral("minimum"), 1))})}});
    p.insert(QStringLiteral("/v1/history/{id}"),
             QJsonObject{{QStringLiteral("get"),
                          operation(QStringLiteral("getHistoryRun"), QStringLiteral("history"),
                                    QStringLiteral("A stored run with its records"),
                                    responses({{QStringLiteral("200"),
                                                okJson(QStringLiteral("The run."),
                                                       ref(QStringLiteral("HistoryEntry")))}},
                                              {QStringLiteral("404"), QStringLiteral("503")}),
                                    QJsonArray{historyParam})}});
    p.insert(
        QStringLiteral("/v1/history/{id}/rerun"),
        QJsonObject{
            {QStringLiteral("post"),
             operation(
                 QStringLiteral("rerunHistory"), QStringLiteral("history"),
                 QStringLiteral("Run a stored call again (same tool, arguments, pattern)"),
                 runStartResponses(), QJsonArray{historyParam},
                 jsonBody(object({{QStringLiteral("check"),
                                   boolean(QStringLiteral("Override the stored check mode."))}},
                                 {}, {}, true),
                          false))}});
    p.insert(
        QStringLiteral("/v1/host-keys"),
        QJsonObject{
            {QStringLiteral("get"),
             operation(QStringLiteral("listHostKeys"), QStringLiteral("host-keys"),
                       QStringLiteral("Unknown host keys waiting for a decision"),
                       responses({{QStringLiteral("200"),
                                   okJson(QStringLiteral("The questions."),
                                          arrayOf(ref(QStringLiteral("HostKeyQuestion"))))}}))}});
    p.insert(QStringLiteral("/v1/host-keys/{id}"),
             QJsonObject{{QStringLiteral("post"),
                          operation(QStringLiteral("decideHostKey"), QStringLiteral("host-keys"),
                                    QStringLiteral("Accept once, accept and save, or reject"),
                                    responses({{QStringLiteral("200"),
                                                okJson(QStringLiteral("Answered."),
                                                       ref(QStringLiteral("HostKeyQuestion")))}},
                                              {QStringLiteral("400"), QStringLiteral("404")}),
                                    QJsonArray{pathParam(QStringLiteral("id"),
                                                         QStringLiteral("Question id."))},
                                    jsonBody(ref(QStringLiteral("HostKeyDecision"))))}});
    return p;
}

} // namespace hostdeck::engine::api::openapi
