#include "app/cli/CliServices.h"

#include "engine/inventory/CredentialStore.h"

namespace hostdeck::cli {

using namespace hostdeck::engine;

CliServices::CliServices()
    : m_store(std::make_unique<CredentialStore>()),
      m_typed(std::make_shared<StaticCredentialProvider>()),
      m_keychain(std::make_shared<KeychainCredentialProvider>(m_store.get(), m_typed))
{
}

CliServices::~CliServices()
{
    m_engine.reset(); // the engine thread stops (sessions close) before the providers go
}

EngineClient* CliServices::engine(const EngineOptions& options)
{
    if (!m_engine) {
        EngineConfig config;
        config.userToolDirs = options.toolsDirs;
        config.credentials = m_keychain;
        config.pool.readyTimeout = options.readyTimeout;
        config.hostKeys = options.hostKeys;
        m_engine = std::make_unique<EngineClient>(std::move(config));
    }
    return m_engine.get();
}

} // namespace hostdeck::cli
