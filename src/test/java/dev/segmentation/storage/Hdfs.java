package dev.segmentation.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hdfs.MiniDFSCluster;

/** A real HDFS, NameNode and one DataNode, inside the test JVM on 127.0.0.1; started once. */
public final class Hdfs {

  private static MiniDFSCluster shared;

  private Hdfs() {}

  /** The file system's root, {@code hdfs://127.0.0.1:PORT}. */
  public static synchronized String root() {
    if (shared == null) {
      try {
        Configuration conf = new Configuration();
        conf.set(
            MiniDFSCluster.HDFS_MINIDFS_BASEDIR, Files.createTempDirectory("minidfs").toString());
        conf.set("dfs.namenode.rpc-address", "127.0.0.1:0");
        shared = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
        shared.waitActive();
        Runtime.getRuntime().addShutdownHook(new Thread(shared::shutdown));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start the HDFS mini-cluster", e);
      }
    }
    return shared.getURI().toString();
  }
}
