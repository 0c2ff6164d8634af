#pragma once

#include "engine/agent/ToolCatalog.h"
#include "engine/recipe/Recipe.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;

namespace hostdeck::ui {

class ParameterForm;

/// The steps of a recipe as a list (add, remove, move, duplicate) and the selected step's
/// editor: name, condition, register, and its arguments in the form generated from the tool's
/// description. Arguments the form cannot show as they are (a `${...}` in a number field, a
/// secret, a parameter the tool does not have) leave the form read-only: they are edited in the
/// YAML view. Every change emits stepsEdited().
class RecipeStepsPane final : public QWidget
{
    Q_OBJECT
public:
    explicit RecipeStepsPane(QWidget* parent = nullptr);

    void setCatalog(const engine::ToolCatalog& catalog);
    /// Replaces the steps (from the YAML view); keeps the selected row where it can.
    void setSteps(const QList<engine::RecipeStep>& steps);
    const QList<engine::RecipeStep>& steps() const { return m_steps; }
    /// Steps that came from includes cannot be edited here (their file is another one).
    void setReadOnly(bool readOnly, const QString& why = {});
    /// Marks the step at `row` as the one an error is about (-1: none).
    void markError(int row, const QString& message);

    int currentRow() const;
    void setCurrentRow(int row);
    /// Adds a step calling `toolMethod` ("Tool.method") after the current one; false when the
    /// catalog has no such method.
    bool addStep(const QString& toolMethod);
    void removeCurrent();
    void moveCurrent(int delta);
    void duplicateCurrent();

    QListWidget* list() const { return m_list; }
    QComboBox* methodBox() const { return m_methods; }
    ParameterForm* form() const { return m_form; }
    QLineEdit* nameEdit() const { return m_name; }
    QLineEdit* whenEdit() const { return m_when; }
    QLineEdit* registerEdit() const { return m_register; }
    QLabel* formNote() const { return m_note; }
    bool isFormEditable() const;

signals:
    void stepsEdited();

private:
    void rebuildList(int current);
    void showStep(int row);
    void onFormEdited();
    void onOptionEdited();
    void updateButtons();
    static QString itemText(const engine::RecipeStep& step);

    engine::ToolCatalog m_catalog;
    QList<engine::RecipeStep> m_steps;
    bool m_readOnly = false;
    bool m_showing = false;
    int m_errorRow = -1;
    QListWidget* m_list;
    QComboBox* m_methods;
    QPushButton* m_add;
    QPushButton* m_remove;
    QPushButton* m_up;
    QPushButton* m_down;
    QPushButton* m_duplicate;
    QLineEdit* m_name;
    QLineEdit* m_when;
    QLineEdit* m_register;
    QLabel* m_method;
    QLabel* m_note;
    ParameterForm* m_form;
};

} // namespace hostdeck::ui
