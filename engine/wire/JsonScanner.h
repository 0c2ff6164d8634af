#pragma once

#include "engine/util/Result.h"

#include <QtGlobal>

namespace hostdeck::engine::wire {

/// Incremental structural scan of a JSON text that arrives in pieces: counts its elements (every
/// value and every object key) and its nesting depth, and refuses it the moment it crosses a
/// limit — before anything is built from it, so that a small body cannot make the controller
/// build a huge document (a 64 MiB `[0,0,...]` is 32 million values). It follows strings and
/// escapes only as far as the structure needs; the parser that builds the value afterwards does
/// the full validation.
class JsonScanner
{
public:
    JsonScanner(int maxDepth, qsizetype maxElements)
        : m_maxDepth(maxDepth), m_maxElements(maxElements)
    {
    }

    /// Start over for a new text.
    void reset(int maxDepth, qsizetype maxElements) { *this = JsonScanner(maxDepth, maxElements); }
    /// Scan `size` more bytes. Errors (kind Protocol) name the byte offset and the limit.
    Status feed(const char* data, qsizetype size);
    qsizetype elements() const { return m_elements; }
    qsizetype scanned() const { return m_offset; }

private:
    Status tooDeep() const;
    Status tooMany() const;

    int m_maxDepth;
    qsizetype m_maxElements;
    qsizetype m_offset = 0; ///< bytes scanned before the current piece
    qsizetype m_elements = 0;
    int m_depth = 0;
    bool m_inString = false;
    bool m_escape = false;
    bool m_inToken = false; ///< inside a number or literal
};

} // namespace hostdeck::engine::wire
