#pragma once

#include "engine/util/Result.h"

#include <QByteArray>
#include <QString>
#include <QVariant>

#include <deque>
#include <string>
#include <utility>
#include <vector>

namespace hostdeck::engine {

/// One node of a YAML document as Ansible's loader sees it. An alias is the very node its anchor
/// names (shared, never copied), so a document with aliases stays as small as its text.
struct YamlNode
{
    enum class Kind
    {
        Null,
        Scalar,
        Sequence,
        Mapping
    };
    Kind kind = Kind::Null;
    QString text;    ///< a scalar's text
    std::string tag; ///< "?" plain, "!" quoted, else the explicit tag
    int line = 0;    ///< 1-based
    bool open = false;
    std::vector<const YamlNode*> items;
    std::vector<std::pair<const YamlNode*, const YamlNode*>> pairs; ///< as written, `<<` included

    bool isNull() const { return kind == Kind::Null; }
    bool isMapping() const { return kind == Kind::Mapping; }
};

/// One key of a mapping: its text, the line of the key, the value.
struct YamlEntry
{
    QString key;
    int line = 0;
    const YamlNode* value = nullptr;
};

/// A parsed YAML document (yaml-cpp's event parser) with a budget on how far aliases may expand:
/// every value visited counts, and past 100,000 + 10 per node of the document the walk fails with
/// a clear error instead of expanding a "billion laughs" document. Merge keys (`<<: *defaults`)
/// are flattened as PyYAML does: merged pairs first, explicit ones after (so they win), among
/// merged mappings the earlier wins. Duplicate keys: the last value wins, at the place of the first
/// (a Python dict).
class YamlDocument
{
public:
    /// Parses `text`; `fileName` names the source in errors.
    static Result<YamlDocument> parse(const QByteArray& text, const QString& fileName);

    const YamlNode* root() const { return m_root; }
    const QString& fileName() const { return m_fileName; }

    /// The pairs of a mapping with merge keys flattened and duplicate keys collapsed; spends the
    /// budget. Keys are the scalars' resolved texts.
    Result<std::vector<YamlEntry>> mapping(const YamlNode* node) const;
    /// The value of a node as Ansible's loader constructs it; spends the budget.
    Result<QVariant> value(const YamlNode* node) const;
    /// A scalar key's text ("web1", "8" for `010`); an error for a key that is not a scalar.
    Result<QString> keyText(const YamlNode* node) const;

    Error error(int line, const QString& problem) const;
    qsizetype budgetLeft() const { return m_budget; }

private:
    friend class YamlTreeBuilder;

    Status spend(const YamlNode* node) const;
    Status flatten(const YamlNode* node,
                   std::vector<std::pair<const YamlNode*, const YamlNode*>>& out, int depth) const;

    QString m_fileName;
    std::deque<YamlNode> m_nodes;
    const YamlNode* m_root = nullptr;
    mutable qsizetype m_budget = 0;
};

} // namespace hostdeck::engine
