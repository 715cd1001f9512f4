package dev.postee.app;

/** Entry point of the postee launcher. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.err.println("postee: not built yet");
    System.exit(2);
  }
}
