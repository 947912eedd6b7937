package dev.segmentation.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.segmentation.SparkTestBase;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PosixLocalFileSystemTest extends SparkTestBase {

  @TempDir java.nio.file.Path dir;

  @Test
  void sparkOpensLocalPathsWithIt() throws IOException {
    FileSystem fs = FileSystem.get(URI.create("file:///"), spark().sparkContext().hadoopConfiguration());
    assertInstanceOf(PosixLocalFileSystem.class, fs);
  }

  @Test
  void setsThePermissionsItIsAskedFor() throws IOException {
    FileSystem fs = new PosixLocalFileSystem();
    fs.initialize(URI.create("file:///"), spark().sparkContext().hadoopConfiguration());
    Path folder = new Path(dir.resolve("a/b").toUri());
    fs.mkdirs(folder, new FsPermission((short) 0750));
    Path file = new Path(folder, "part-0");
    try (FSDataOutputStream out = fs.create(file)) {
      out.writeBytes("x\n");
    }
    fs.setPermission(file, new FsPermission((short) 0604));

    assertEquals("rwxr-x---", mode(dir.resolve("a/b")));
    assertEquals("rw----r--", mode(dir.resolve("a/b/part-0")));
    assertEquals("rw----r--", fs.getFileStatus(file).getPermission().toString());
    // The checksum file of LocalFileSystem is still written beside the data.
    assertEquals(List.of(".part-0.crc", "part-0"), listing(dir.resolve("a/b")));
  }

  @Test
  void mapsEveryModeBit() {
    assertEquals("rwxrwxrwx", PosixFilePermissions.toString(PosixLocalFileSystem.Raw.modeBits((short) 0777)));
    assertEquals("r---w---x", PosixFilePermissions.toString(PosixLocalFileSystem.Raw.modeBits((short) 0421)));
    // The sticky bit has no java.nio form and is dropped.
    assertEquals("rwxr-xr-x", PosixFilePermissions.toString(PosixLocalFileSystem.Raw.modeBits((short) 01755)));
    assertEquals("---------", PosixFilePermissions.toString(PosixLocalFileSystem.Raw.modeBits((short) 0)));
  }

  private static String mode(java.nio.file.Path path) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
  }

  private static List<String> listing(java.nio.file.Path folder) throws IOException {
    try (var files = Files.list(folder)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
