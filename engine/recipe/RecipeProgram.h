#pragma once

#include "engine/recipe/Recipe.h"
#include "engine/runner/RunRequest.h"

#include <QJsonObject>

namespace hostdeck::engine {

/// A recipe on one host (engine thread): facts if needed, the steps in order with retries and
/// conditions, registered records, the return value. See RecipePlan.
class RecipeProgram final : public HostProgram
{
    Q_OBJECT
public:
    explicit RecipeProgram(const Recipe& recipe);
    void start(HostContext* context) override;

private:
    void gatherFacts();
    void runStep(int index, int attempt);
    void onStep(int index, int attempt, qint64 startedMs, const CallResult& result);
    void finishHost();
    void finishWithReturn();
    QJsonObject contextFor(const RecipeStep& step, bool withFacts, bool withSteps) const;
    static QJsonObject registered(const HostResult& record);

    const Recipe& m_recipe;
    HostContext* m_context = nullptr;
    QJsonObject m_facts;
    bool m_factsGathered = false;
    QJsonObject m_registered; ///< steps.<register> -> the step's record
    QList<HostResult> m_steps;
    bool m_changed = false;
    QJsonValue m_lastValue;
};

} // namespace hostdeck::engine
