#include "engine/wire/JsonScanner.h"

#include <cstring>

namespace hostdeck::engine::wire {

Status JsonScanner::tooDeep() const
{
    return makeError(ErrorKind::Protocol,
                     QStringLiteral("JSON body nested deeper than %1 levels").arg(m_maxDepth));
}

Status JsonScanner::tooMany() const
{
    return makeError(ErrorKind::Protocol,
                     QStringLiteral("JSON body has more than %1 elements").arg(m_maxElements));
}

Status JsonScanner::feed(const char* data, qsizetype size)
{
    const char* p = data;
    const char* const end = data + size;
    while (p < end) {
        if (m_inString) {
            if (m_escape) {
                m_escape = false;
                ++p;
                continue;
            }
            // Strings are most of a large body: jump to the next quote or backslash.
            const auto* quote = static_cast<const char*>(std::memchr(p, '"', size_t(end - p)));
            const char* stop = quote ? quote : end;
            const auto* slash = static_cast<const char*>(std::memchr(p, '\\', size_t(stop - p)));
            if (slash) {
                m_escape = true;
                p = slash + 1;
                continue;
            }
            if (!quote) {
                p = end;
                continue;
            }
            m_inString = false;
            p = quote + 1;
            continue;
        }
        const char c = *p++;
        switch (c) {
        case '"':
            m_inToken = false;
            m_inString = true;
            if (++m_elements > m_maxElements)
                return tooMany();
            break;
        case '[':
        case '{':
            m_inToken = false;
            if (++m_elements > m_maxElements)
                return tooMany();
            if (++m_depth > m_maxDepth)
                return tooDeep();
            break;
        case ']':
        case '}':
            m_inToken = false;
            if (--m_depth < 0)
                return makeError(ErrorKind::Protocol,
                                 QStringLiteral("bad JSON body at byte %1: unbalanced '%2'")
                                     .arg(m_offset + (p - data) - 1)
                                     .arg(QLatin1Char(c)));
            break;
        case ',':
        case ':':
        case ' ':
        case '\t':
        case '\n':
        case '\r':
            m_inToken = false;
            break;
        default:
            if (!m_inToken) {
                m_inToken = true;
                if (++m_elements > m_maxElements)
                    return tooMany();
            }
            break;
        }
    }
    m_offset += size;
    return Ok{};
}

} // namespace hostdeck::engine::wire
