export interface Config {
  /** Redline observability-as-code settings (frontend part). */
  observability?: {
    /**
     * Scaffolder template that opens a pull request with the generated
     * files, as an entity ref (`template:default/redline-observability-pull-request`, the
     * default). The "Open pull request" button appears only when the
     * scaffolder plugin is installed; it passes
     * `formData = { entityRef, artifacts }` to the template.
     * @visibility frontend
     */
    scaffolderTemplate?: string;
    /** The entity's Observability tab. */
    tab?: {
      /**
       * Seconds between reads of the tab's live parts (RED values, firing
       * alerts, checks, SLOs); they are also read when the window regains
       * focus. Default 30, at least 5.
       * @visibility frontend
       */
      refreshSeconds?: number;
    };
  };
}
