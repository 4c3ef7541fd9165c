package com.klingvideo.pipeline.kling;

/** The calls the client makes; only a create can leave a task behind when its answer is lost. */
enum KlingOperation {
    CREATE("create", true),
    QUERY("query", false),
    LOOKUP("lookup by external_task_id", false);

    private final String label;
    private final boolean mayCreateTask;

    KlingOperation(String label, boolean mayCreateTask) {
        this.label = label;
        this.mayCreateTask = mayCreateTask;
    }

    String label() {
        return label;
    }

    /** Whether a lost or failed answer may hide a task that was created anyway (the "ambiguous" case). */
    boolean mayCreateTask() {
        return mayCreateTask;
    }
}
