package org.civicstack.platform.infra;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns an unreachable database or Redis at start-up into Boot's short "Description / Action" report. */
public final class InfrastructureFailureAnalyzer extends AbstractFailureAnalyzer<InfrastructureUnavailableException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InfrastructureUnavailableException cause) {
        return new FailureAnalysis(cause.getMessage(),
                "Check " + cause.setting() + ".",
                cause);
    }
}
