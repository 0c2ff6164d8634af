#include "template/TemplateOutcome.h"

#include <QCoreApplication>

namespace hostdeck::ui {

QString TemplateOutcome::stateText() const
{
    const auto tr = [](const char* text) {
        return QCoreApplication::translate("hostdeck::ui::TemplateOutcome", text);
    };
    switch (state) {
    case State::Pending:
        return tr("pending");
    case State::Created:
        return check ? tr("new file") : tr("created");
    case State::Changed:
        return tr("changed");
    case State::Unchanged:
        return check ? tr("no change") : tr("unchanged");
    case State::Failed:
        return tr("failed");
    }
    return {};
}

} // namespace hostdeck::ui
