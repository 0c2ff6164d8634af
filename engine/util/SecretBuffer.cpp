#include "engine/util/SecretBuffer.h"

#include <utility>

namespace hostdeck::engine {

namespace {
void wipeMemory(void* data, qsizetype size)
{
    auto* p = static_cast<volatile unsigned char*>(data);
    for (qsizetype i = 0; i < size; ++i)
        p[i] = 0;
}
} // namespace

SecretBuffer::SecretBuffer(QByteArray utf8) : m_bytes(std::move(utf8))
{
    m_bytes.detach(); // own our storage so wiping it cannot miss a shared copy's block
}

SecretBuffer SecretBuffer::fromString(QString text)
{
    SecretBuffer buffer(text.toUtf8());
    wipe(text);
    return buffer;
}

SecretBuffer::~SecretBuffer()
{
    clear();
}

SecretBuffer::SecretBuffer(SecretBuffer&& other) noexcept
    : m_bytes(std::exchange(other.m_bytes, {}))
{
}

SecretBuffer& SecretBuffer::operator=(SecretBuffer&& other) noexcept
{
    if (this != &other) {
        clear();
        m_bytes = std::exchange(other.m_bytes, {});
    }
    return *this;
}

SecretBuffer SecretBuffer::copy() const
{
    return SecretBuffer(QByteArray(m_bytes.constData(), m_bytes.size()));
}

void SecretBuffer::clear()
{
    wipe(m_bytes);
    m_bytes = QByteArray();
}

void SecretBuffer::wipe(QByteArray& bytes)
{
    if (!bytes.isEmpty() && !bytes.isDetached())
        return; // shared storage: wiping would corrupt another owner; release our reference only
    if (!bytes.isEmpty())
        wipeMemory(bytes.data(), bytes.size());
}

void SecretBuffer::wipe(QString& text)
{
    if (!text.isEmpty() && text.isDetached())
        wipeMemory(text.data(), text.size() * qsizetype(sizeof(QChar)));
}

} // namespace hostdeck::engine
