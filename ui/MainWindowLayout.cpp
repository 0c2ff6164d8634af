// The main window's widgets and their places.
#include "ui/MainWindow.h"

#include "ui/AppServices.h"
#include "ui/history/HistoryView.h"
#include "ui/inventory/InventoryDock.h"
#include "ui/results/LogPane.h"
#include "ui/results/RunTabs.h"
#include "ui/results/RunView.h"
#include "ui/tools/ParameterForm.h"
#include "ui/tools/ToolPalette.h"

#include <QDockWidget>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QSplitter>
#include <QStyle>

namespace hostdeck::ui {

void MainWindow::buildLayout()
{
    m_palette = new ToolPalette(this);
    m_form = new ParameterForm(this);
    m_form->setObjectName(QStringLiteral("parameterForm"));
    m_targets = new QLineEdit(QStringLiteral("localhost"), this);
    m_targets->setObjectName(QStringLiteral("targets"));
    m_targets->setPlaceholderText(tr("host pattern: localhost, all, web*, web:&prod, all:!db1"));
    m_targetCount = new QLabel(this);
    m_targetCount->setObjectName(QStringLiteral("targetCount"));
    m_formError = new QLabel(this);
    m_formError->setObjectName(QStringLiteral("formError"));
    m_formError->setWordWrap(true);
    m_targetWarning = new QLabel(this);
    m_targetWarning->setObjectName(QStringLiteral("targetWarning"));
    m_targetWarning->setWordWrap(true);
    m_targetWarning->hide();
    applyPaletteColors();
    m_progress = new QProgressBar(this);
    m_progress->setObjectName(QStringLiteral("runProgress"));
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_counts = new QLabel(this);
    m_counts->setObjectName(QStringLiteral("runCounts"));
    auto spin = [this](const QString& name, int min, int max, int value, const QString& tip) {
        auto* box = new QSpinBox(this);
        box->setObjectName(name);
        box->setRange(min, max);
        box->setValue(value);
        box->setToolTip(tip);
        return box;
    };
    m_forks = spin(QStringLiteral("forksBox"), 1, 1000, 100, tr("Hosts at once"));
    m_callTimeout =
        spin(QStringLiteral("callTimeoutBox"), 0, 86400, 600,
             tr("Seconds a call may take unless its tool declares its own (0: no limit; a host "
                "that stops answering is still dropped after the liveness bound)"));
    m_callTimeout->setSuffix(tr(" s"));
    m_deadline = spin(QStringLiteral("deadlineBox"), 0, 86400, 0,
                      tr("Seconds the whole run may take (0: no deadline)"));
    m_deadline->setSuffix(tr(" s"));
    m_deadline->setSpecialValueText(tr("none"));

    auto* targetsLabel = new QLabel(tr("&Targets:"), this);
    targetsLabel->setBuddy(m_targets);
    auto* targetsRow = new QHBoxLayout;
    targetsRow->addWidget(targetsLabel);
    targetsRow->addWidget(m_targets, 1);
    targetsRow->addWidget(m_targetCount);

    auto* scroll = new QScrollArea(this);
    scroll->setWidget(m_form);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setFocusPolicy(Qt::NoFocus); // Tab goes to the fields, not to their frame

    auto* runButton = new QPushButton(tr("&Run"), this);
    auto* checkButton = new QPushButton(tr("C&heck"), this);
    auto* cancelButton = new QPushButton(tr("Cancel"), this);
    runButton->setObjectName(QStringLiteral("runButton"));
    checkButton->setObjectName(QStringLiteral("checkButton"));
    cancelButton->setObjectName(QStringLiteral("cancelButton"));
    runButton->setIcon(style()->standardIcon(QStyle::SP_MediaPlay));
    checkButton->setIcon(style()->standardIcon(QStyle::SP_DialogApplyButton));
    cancelButton->setIcon(style()->standardIcon(QStyle::SP_MediaStop));
    runButton->setToolTip(tr("Run on the targets (Ctrl+Return)"));
    checkButton->setToolTip(tr("Dry run: report what would change (Ctrl+Shift+Return)"));
    connect(runButton, &QPushButton::clicked, this, [this] { run(false); });
    connect(checkButton, &QPushButton::clicked, this, [this] { run(true); });
    connect(cancelButton, &QPushButton::clicked, this, &MainWindow::cancelRun);
    auto* runRow = new QHBoxLayout;
    runRow->addWidget(runButton);
    runRow->addWidget(checkButton);
    runRow->addWidget(cancelButton);
    runRow->addWidget(m_progress, 1);
    runRow->addWidget(m_counts);
    m_formTail = {m_forks, m_callTimeout, m_deadline, runButton, checkButton, cancelButton};

    auto* optionsRow = new QHBoxLayout;
    optionsRow->addWidget(new QLabel(tr("Forks:"), this));
    optionsRow->addWidget(m_forks);
    optionsRow->addWidget(new QLabel(tr("Call timeout:"), this));
    optionsRow->addWidget(m_callTimeout);
    optionsRow->addWidget(new QLabel(tr("Run deadline:"), this));
    optionsRow->addWidget(m_deadline);
    optionsRow->addStretch(1);

    auto* formPane = new QWidget(this);
    auto* formLayout = new QVBoxLayout(formPane);
    formLayout->addLayout(targetsRow);
    formLayout->addWidget(m_targetWarning);
    formLayout->addWidget(scroll, 1);
    formLayout->addWidget(m_formError);
    formLayout->addLayout(optionsRow);
    formLayout->addLayout(runRow);

    m_runTabs = new RunTabs(m_settings.get(), this);
    connect(m_runTabs, &RunTabs::exportRequested, this, &MainWindow::exportRun);

    m_centerSplitter = new QSplitter(Qt::Vertical, this);
    m_centerSplitter->setObjectName(QStringLiteral("centerSplitter"));
    m_centerSplitter->addWidget(formPane);
    m_centerSplitter->addWidget(m_runTabs);
    m_centerSplitter->setStretchFactor(1, 2);

    m_mainSplitter = new QSplitter(Qt::Horizontal, this);
    m_mainSplitter->setObjectName(QStringLiteral("mainSplitter"));
    m_mainSplitter->addWidget(m_palette);
    m_mainSplitter->addWidget(m_centerSplitter);
    m_mainSplitter->setStretchFactor(1, 3);
    m_mainSplitter->setSizes({220, 900});
    setCentralWidget(m_mainSplitter);

    m_inventory = new InventoryDock(m_prompts, m_services.store(), this);
    m_inventory->setTargetSettings(m_services.targetSettings());
    m_inventory->setObjectName(QStringLiteral("inventoryDock"));
    addDockWidget(Qt::LeftDockWidgetArea, m_inventory);

    m_history = new HistoryView(this);
    auto* historyDock = new QDockWidget(tr("History"), this);
    historyDock->setObjectName(QStringLiteral("historyDock"));
    historyDock->setWidget(m_history);
    addDockWidget(Qt::BottomDockWidgetArea, historyDock);

    m_log = new LogPane(this);
    auto* logDock = new QDockWidget(tr("Remote log"), this);
    logDock->setObjectName(QStringLiteral("logDock"));
    logDock->setWidget(m_log);
    addDockWidget(Qt::BottomDockWidgetArea, logDock);
    tabifyDockWidget(historyDock, logDock);
    historyDock->raise();
    resizeDocks({historyDock}, {170}, Qt::Vertical);
    resizeDocks({m_inventory}, {300}, Qt::Horizontal);
    m_centerSplitter->setSizes({300, 500});
    resize(1280, 800);
}

} // namespace hostdeck::ui
