package com.klingvideo.pipeline.local.lambda;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;

/** The {@link Context} of one local invocation: its request id, the function's settings and its deadline. */
final class LocalContext implements Context {
    private final String requestId;
    private final LocalFunction function;
    private final FunctionReference reference;
    private final Instant deadline;
    private final Clock clock;
    private final LambdaLogger logger;

    LocalContext(String requestId, LocalFunction function, FunctionReference reference, Clock clock, PrintStream out) {
        this.requestId = requestId;
        this.function = function;
        this.reference = reference;
        this.clock = clock;
        this.deadline = clock.instant().plus(function.timeout());
        this.logger = new StdoutLogger(requestId, out);
    }

    @Override
    public String getAwsRequestId() {
        return requestId;
    }

    @Override
    public String getLogGroupName() {
        return "/aws/lambda/" + function.name();
    }

    @Override
    public String getLogStreamName() {
        return "local/" + function.name();
    }

    @Override
    public String getFunctionName() {
        return function.name();
    }

    @Override
    public String getFunctionVersion() {
        return reference.executedVersion();
    }

    @Override
    public String getInvokedFunctionArn() {
        return reference.invokedArn();
    }

    @Override
    public CognitoIdentity getIdentity() {
        return null;
    }

    @Override
    public ClientContext getClientContext() {
        return null;
    }

    @Override
    public int getRemainingTimeInMillis() {
        return (int) Math.max(0, deadline.toEpochMilli() - clock.millis());
    }

    @Override
    public int getMemoryLimitInMB() {
        return function.memoryMb();
    }

    @Override
    public LambdaLogger getLogger() {
        return logger;
    }

    /** Lines tagged with the request id, as Lambda's log stream shows them. */
    private record StdoutLogger(String requestId, PrintStream out) implements LambdaLogger {
        @Override
        public void log(String message) {
            out.println(Instant.now() + "\t" + requestId + "\t" + message);
        }

        @Override
        public void log(byte[] message) {
            log(new String(message, StandardCharsets.UTF_8));
        }
    }
}
