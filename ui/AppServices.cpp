#include "ui/AppServices.h"

#include "engine/inventory/CredentialStore.h"
#include "engine/runner/EngineClient.h"
#include "engine/runner/KeychainCredentialProvider.h"
#include "ui/prompts/GuiCredentialProvider.h"
#include "ui/prompts/GuiHostKeyDecider.h"
#include "ui/prompts/Prompts.h"

namespace hostdeck::ui {

AppServices::AppServices(const MainWindowOptions& options)
    : m_store(std::make_unique<engine::CredentialStore>()),
      m_prompts(std::make_unique<Prompts>(nullptr))
{
    m_prompts->setInteractive(options.interactivePrompts);
    auto prompt = std::make_shared<GuiCredentialProvider>(m_prompts.get(), m_store.get());
    m_credentials = std::make_shared<engine::KeychainCredentialProvider>(m_store.get(), prompt);
    m_settings.localInterpreter = options.localInterpreter;
    engine::EngineConfig config;
    config.userToolDirs = options.userToolDirs;
    config.localInterpreter = options.localInterpreter;
    config.credentials = m_credentials;
    config.hostKeys = std::make_shared<GuiHostKeyDecider>(m_prompts.get());
    config.pool = options.pool;
    m_engine = std::make_unique<engine::EngineClient>(std::move(config));
}

AppServices::~AppServices()
{
    m_engine.reset(); // sessions close on the engine thread before the providers go
}

} // namespace hostdeck::ui
