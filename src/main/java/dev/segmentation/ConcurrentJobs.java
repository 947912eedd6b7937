package dev.segmentation;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs independent pieces of driver work side by side. Spark schedules the jobs of several driver
 * threads at once, which keeps the executors busy when each job alone is small.
 */
public final class ConcurrentJobs {

  private ConcurrentJobs() {}

  /** Results in the order of {@code work}; the first failure is rethrown as it was. */
  public static <T> List<T> run(int threads, List<Callable<T>> work) {
    if (work.isEmpty()) {
      return List.of();
    }
    ExecutorService pool =
        Executors.newFixedThreadPool(Math.max(1, Math.min(threads, work.size())));
    try {
      List<Future<T>> futures = new ArrayList<>();
      work.forEach(task -> futures.add(pool.submit(task)));
      List<T> results = new ArrayList<>();
      for (Future<T> future : futures) {
        results.add(await(future));
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }

  /** The results of two pieces of work of different types. */
  public record Both<A, B>(A first, B second) {}

  /** Runs two pieces of work side by side; the first failure is rethrown as it was. */
  public static <A, B> Both<A, B> both(Callable<A> first, Callable<B> second) {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<A> a = pool.submit(first);
      Future<B> b = pool.submit(second);
      return new Both<>(await(a), await(b));
    } finally {
      pool.shutdownNow();
    }
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException(cause);
    }
  }
}
