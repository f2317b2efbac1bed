package org.civicstack.registry.service.domain;

/** What an agency or operator does to a service; each is one legal edge (or several) of {@link ServiceLifecycle}. */
public enum LifecycleEvent {
    /** agency: send the draft for review */
    SUBMIT,
    /** operator: approve the submitted revision; it starts serving */
    APPROVE,
    /** operator: send the submitted revision back to the agency with a reason */
    REJECT,
    /** operator: stop serving at once (misbehaving upstream, incident) */
    SUSPEND,
    /** operator: serve again after a suspension */
    RESUME,
    /** operator: withdraw for good; the gateway answers 410 */
    RETIRE;

    public String apiValue() {
        return name().toLowerCase();
    }
}
