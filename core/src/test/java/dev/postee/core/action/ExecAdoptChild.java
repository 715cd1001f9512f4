package dev.postee.core.action;

import dev.postee.core.template.RenderedMessage;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/** Child JVM for ExecAdoptionTest: runs one exec execution; the test kills this JVM mid-script. */
public final class ExecAdoptChild {
  public static void main(String[] args) throws Exception {
    Path work = Path.of(args[0]);
    String script = args[1];
    ActionEnvironment env = new ActionEnvironment(ActionEnvironment.newHttpClient(), work, Clock.systemUTC(),
        new PrintStream(PrintStream.nullOutputStream()));
    ExecAction action = new ExecAction(new ActionSpec("slow", "exec", MapSettings.of("exec-script", script), Duration.ofSeconds(60)), env);
    System.out.println("running");
    System.out.flush();
    action.execute(new ActionRequest("exec-42", "event-1", "route-1", new RenderedMessage("t", "m", null, Map.of()),
        null, 1, Instant.now().plusSeconds(60)));
    System.out.println("finished");
  }
}
