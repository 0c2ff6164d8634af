#include "engine/inventory/YamlDocument.h"

#include "engine/inventory/InventoryLimits.h"
#include "engine/inventory/YamlConvert.h"

#include <QHash>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/parser.h>

#include <cmath>
#include <sstream>

namespace hostdeck::engine {

namespace {

struct BuildFailure
{
    int line;
    QString problem;
};

int lineOf(const YAML::Mark& mark)
{
    return mark.is_null() ? 0 : mark.line + 1;
}

/// A key as Python's json.dumps would write a non-string dict key.
QString keyString(const QVariant& value)
{
    switch (value.typeId()) {
    case QMetaType::Bool:
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QMetaType::Double:
        return detail::floatText(value.toDouble());
    default:
        return value.toString();
    }
}

} // namespace

/// Turns yaml-cpp's events into YamlNodes; an alias is the anchored node itself.
class YamlTreeBuilder : public YAML::EventHandler
{
public:
    explicit YamlTreeBuilder(YamlDocument& document) : m_document(document) {}

    void OnDocumentStart(const YAML::Mark&) override {}
    void OnDocumentEnd() override {}

    void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override
    {
        YamlNode& node = create(mark, YamlNode::Kind::Null, anchor);
        attach(&node);
    }

    void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override
    {
        const auto it = m_anchors.find(anchor);
        if (it == m_anchors.end())
            throw BuildFailure{lineOf(mark), QStringLiteral("alias to an unknown anchor")};
        if (it.value()->open)
            throw BuildFailure{
                lineOf(mark),
                QStringLiteral("an alias inside the node its anchor names (a cycle)")};
        attach(it.value());
    }

    void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  const std::string& value) override
    {
        YamlNode& node = create(mark, YamlNode::Kind::Scalar, anchor);
        node.tag = tag.empty() ? std::string("?") : tag;
        node.text = QString::fromStdString(value);
        attach(&node);
    }

    void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                         YAML::EmitterStyle::value) override
    {
        open(create(mark, YamlNode::Kind::Sequence, anchor), tag);
    }
    void OnSequenceEnd() override { close(); }

    void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                    YAML::EmitterStyle::value) override
    {
        open(create(mark, YamlNode::Kind::Mapping, anchor), tag);
    }
    void OnMapEnd() override { close(); }

private:
    struct Frame
    {
        YamlNode* node;
        const YamlNode* key = nullptr;
    };

    YamlNode& create(const YAML::Mark& mark, YamlNode::Kind kind, YAML::anchor_t anchor)
    {
        if (qsizetype(m_document.m_nodes.size()) >= InventoryLimits::maxYamlNodes)
            throw BuildFailure{lineOf(mark), QStringLiteral("more than %1 YAML nodes; refused")
                                                 .arg(InventoryLimits::maxYamlNodes)};
        YamlNode& node = m_document.m_nodes.emplace_back();
        node.kind = kind;
        node.line = lineOf(mark);
        if (anchor != YAML::NullAnchor)
            m_anchors.insert(anchor, &node);
        return node;
    }

    void open(YamlNode& node, const std::string& tag)
    {
        node.tag = tag;
        node.open = true;
        attach(&node);
        m_stack.push_back(Frame{&node});
    }

    void close()
    {
        m_stack.back().node->open = false;
        m_stack.pop_back();
    }

    void attach(const YamlNode* node)
    {
        if (m_stack.empty()) {
            if (!m_document.m_root)
                m_document.m_root = node;
            return;
        }
        Frame& top = m_stack.back();
        if (top.node->kind == YamlNode::Kind::Sequence) {
            top.node->items.push_back(node);
        } else if (!top.key) {
            top.key = node;
        } else {
            top.node->pairs.emplace_back(top.key, node);
            top.key = nullptr;
        }
    }

    YamlDocument& m_document;
    QHash<YAML::anchor_t, YamlNode*> m_anchors;
    std::vector<Frame> m_stack;
};

Result<YamlDocument> YamlDocument::parse(const QByteArray& text, const QString& fileName)
{
    YamlDocument document;
    document.m_fileName = fileName;
    try {
        std::istringstream stream(text.toStdString());
        YAML::Parser parser(stream);
        YamlTreeBuilder builder(document);
        parser.HandleNextDocument(builder);
    } catch (const BuildFailure& failure) {
        return document.error(failure.line, failure.problem);
    } catch (const YAML::Exception& e) {
        return document.error(e.mark.is_null() ? 0 : e.mark.line + 1,
                              QString::fromStdString(e.msg));
    } catch (const std::exception& e) {
        return document.error(0, QString::fromLocal8Bit(e.what()));
    }
    document.m_budget = InventoryLimits::yamlExpansionBase +
                        InventoryLimits::yamlExpansionPerNode * qsizetype(document.m_nodes.size());
    return document;
}

Error YamlDocument::error(int line, const QString& problem) const
{
    return makeError(ErrorKind::Usage,
                     QStringLiteral("%1:%2: %3").arg(m_fileName).arg(line).arg(problem));
}

Status YamlDocument::spend(const YamlNode* node) const
{
    if (--m_budget >= 0)
        return Ok{};
    return error(node->line,
                 QStringLiteral("the document expands to more than %1 values through aliases "
                                "(YAML anchors); refused")
                     .arg(InventoryLimits::yamlExpansionBase +
                          InventoryLimits::yamlExpansionPerNode * qsizetype(m_nodes.size())));
}

Status YamlDocument::flatten(const YamlNode* node,
                             std::vector<std::pair<const YamlNode*, const YamlNode*>>& out,
                             int depth) const
{
    if (depth > 100)
        return error(node->line, QStringLiteral("merge keys nested too deep"));
    std::vector<std::pair<const YamlNode*, const YamlNode*>> merged;
    std::vector<std::pair<const YamlNode*, const YamlNode*>> own;
    for (const auto& pair : node->pairs) {
        if (const Status spent = spend(pair.first); !spent)
            return spent;
        const bool isMerge =
            pair.first->kind == YamlNode::Kind::Scalar && pair.first->text == QLatin1String("<<") &&
            (pair.first->tag == "?" || pair.first->tag == "tag:yaml.org,2002:merge");
        if (!isMerge) {
            own.push_back(pair);
            continue;
        }
        const YamlNode* value = pair.second;
        if (value->kind == YamlNode::Kind::Mapping) {
            if (const Status done = flatten(value, merged, depth + 1); !done)
                return done;
        } else if (value->kind == YamlNode::Kind::Sequence) {
            std::vector<std::vector<std::pair<const YamlNode*, const YamlNode*>>> parts;
            for (const YamlNode* item : value->items) {
                if (item->kind != YamlNode::Kind::Mapping)
                    return error(item->line,
                                 QStringLiteral("a merge key (<<) takes mappings only"));
                parts.emplace_back();
                if (const Status done = flatten(item, parts.back(), depth + 1); !done)
                    return done;
            }
            for (auto it = parts.rbegin(); it != parts.rend(); ++it)
                merged.insert(merged.end(), it->begin(), it->end());
        } else {
            return error(value->line,
                         QStringLiteral("a merge key (<<) takes a mapping or a list of "
                                        "mappings"));
        }
    }
    out.insert(out.end(), merged.begin(), merged.end());
    out.insert(out.end(), own.begin(), own.end());
    return Ok{};
}

Result<QString> YamlDocument::keyText(const YamlNode* node) const
{
    if (node->kind == YamlNode::Kind::Null)
        return error(node->line, QStringLiteral("an empty key"));
    if (node->kind != YamlNode::Kind::Scalar)
        return error(node->line,
                     QStringLiteral("a key must be a plain name, not a list or mapping"));
    const Result<QVariant> resolved = value(node);
    if (!resolved)
        return resolved.error();
    return keyString(*resolved);
}

Result<std::vector<YamlEntry>> YamlDocument::mapping(const YamlNode* node) const
{
    std::vector<std::pair<const YamlNode*, const YamlNode*>> flat;
    if (const Status done = flatten(node, flat, 0); !done)
        return done.error();
    std::vector<YamlEntry> result;
    QHash<QString, qsizetype> seen;
    for (const auto& [keyNode, valueNode] : flat) {
        Result<QString> key = keyText(keyNode);
        if (!key)
            return key.error();
        const auto it = seen.constFind(*key);
        if (it != seen.cend()) {
            result[std::size_t(it.value())].value = valueNode;
        } else {
            seen.insert(*key, qsizetype(result.size()));
            result.push_back(YamlEntry{std::move(key).value(), keyNode->line, valueNode});
        }
    }
    return result;
}

Result<QVariant> YamlDocument::value(const YamlNode* node) const
{
    if (const Status spent = spend(node); !spent)
        return spent.error();
    switch (node->kind) {
    case YamlNode::Kind::Null:
        return QVariant();
    case YamlNode::Kind::Scalar: {
        if (node->tag == "!")
            return QVariant(node->text);
        if (node->tag == "?")
            return detail::plainScalar(node->text);
        if (node->tag == "!vault")
            return QVariant(node->text);
        if (const std::optional<QVariant> tagged = detail::taggedScalar(node->tag, node->text))
            return *tagged;
        return error(node->line, QStringLiteral("unsupported YAML tag '%1' on '%2'")
                                     .arg(QString::fromStdString(node->tag), node->text));
    }
    case YamlNode::Kind::Sequence: {
        QVariantList list;
        for (const YamlNode* item : node->items) {
            Result<QVariant> converted = value(item);
            if (!converted)
                return converted.error();
            list.append(std::move(converted).value());
        }
        return QVariant(list);
    }
    case YamlNode::Kind::Mapping: {
        const auto pairs = mapping(node);
        if (!pairs)
            return pairs.error();
        QVariantMap map;
        for (const auto& [key, line, valueNode] : *pairs) {
            Result<QVariant> converted = value(valueNode);
            if (!converted)
                return converted.error();
            map.insert(key, std::move(converted).value());
        }
        return QVariant(map);
    }
    }
    return QVariant();
}

} // namespace hostdeck::engine
