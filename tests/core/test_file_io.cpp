// Saving and restoring state: the generator's state round trip, and atomic writes that fail
// cleanly (a full disk is simulated with a file-size limit, which works without root or a
// special file system).
#include <doctest/doctest.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <filesystem>

#include "core/error.hpp"
#include "core/formats/file_io.hpp"
#include "core/random.hpp"

using namespace tg;

TEST_CASE("a generator restored from its state draws the same numbers") {
  Generator a(11);
  for (int i = 0; i < 1000; ++i) a.uniform();
  a.normal();  // leaves a spare normal behind, which the state must carry
  const std::string saved = a.state();
  Generator b(999);
  b.set_state(saved);
  for (int i = 0; i < 100; ++i) {
    REQUIRE(a.normal() == b.normal());
    REQUIRE(a.integer(97) == b.integer(97));
  }
  CHECK(b.state() == a.state());
}

TEST_CASE("a generator refuses a state it did not write") {
  Generator g(1);
  const std::string good = g.state();
  CHECK_THROWS_WITH_AS(g.set_state(""), doctest::Contains("Generator::set_state"), Error);
  CHECK_THROWS_AS(g.set_state("1 2 3"), Error);
  CHECK_THROWS_AS(g.set_state(good + " extra"), Error);
  CHECK_THROWS_AS(g.set_state(good.substr(0, good.size() / 2)), Error);
  std::string bad_flag = good;
  bad_flag[good.rfind(' ') - 1] = '7';  // the has-spare flag must be 0 or 1
  CHECK_THROWS_AS(g.set_state(bad_flag), Error);
  CHECK(g.state() == good);  // a refused state leaves the generator as it was
}

TEST_CASE("an atomic write that runs out of space leaves the old file intact") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("tapegrad-io-" + std::to_string(getpid()));
  fs::create_directories(dir);
  const std::string path = (dir / "checkpoint.bin").string();
  write_file_atomically(path, "the old checkpoint");

  // In a child process: limit files to 4 KB (like a disk with 4 KB free) and try to replace
  // the checkpoint with 64 KB. The write must fail with an error (exit 3), not a crash.
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    std::signal(SIGXFSZ, SIG_IGN);  // over the limit, write() then fails with EFBIG
    rlimit limit{4096, 4096};
    setrlimit(RLIMIT_FSIZE, &limit);
    try {
      write_file_atomically(path, std::string(65536, 'x'));
    } catch (const Error& e) {
      const std::string message = e.what();
      _exit(message.find("checkpoint.bin.tmp") != std::string::npos ? 3 : 4);
    }
    _exit(5);
  }
  int status = 0;
  waitpid(child, &status, 0);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 3);
  CHECK(read_file(path, 1000, "test") == "the old checkpoint");
  CHECK_FALSE(fs::exists(path + ".tmp"));  // the partial file is removed

  // A folder that does not exist (or cannot be written) is an error naming the file.
  CHECK_THROWS_WITH_AS(write_file_atomically((dir / "missing" / "x.bin").string(), "data"),
                       doctest::Contains("cannot create"), Error);
  fs::remove_all(dir);
}

TEST_CASE("read_file names a folder as a folder, reads a FIFO to its end, and caps both kinds") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("tapegrad-read-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  auto message = [](const auto& fn) -> std::string {
    try {
      fn();
    } catch (const Error& e) {
      return e.what();
    }
    return "";
  };
  CHECK(message([&] { read_file(dir.string(), 100, "load"); }) ==
        "load: '" + dir.string() + "' is a folder, not a file");
  // A FIFO has no size: it is read to its end, whatever a regular file's size check would say.
  const std::string fifo = (dir / "pipe").string();
  REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
  // A child process writes `lines` times "0123456789" into the FIFO (it blocks until read).
  auto writer = [&](int lines) {
    const pid_t pid = fork();
    if (pid == 0) {
      FILE* f = std::fopen(fifo.c_str(), "w");
      for (int i = 0; f && i < lines; ++i) std::fputs("0123456789", f);
      if (f) std::fclose(f);
      _exit(0);
    }
    return pid;
  };
  // read_file takes regular files only: a FIFO is refused at once, never waited on (a model
  // folder's config.json made a FIFO hung the program: issue 26).
  CHECK(message([&] { read_file(fifo, 1 << 20, "load"); }) ==
        "load: '" + fifo + "' is a FIFO (a pipe), not a regular file");
  CHECK(message([&] { require_regular_file("/dev/null", "load"); }) ==
        "load: '/dev/null' is a character device (a terminal or /dev/stdin), not a regular file");
  CHECK(message([&] { require_regular_file((dir / "none").string(), "load"); }) ==
        "load: cannot open '" + (dir / "none").string() + "': no such file");
  const pid_t writer1 = writer(1000);
  CHECK(read_file_or_stream(fifo, 1 << 20, "text").size() == 10000);
  waitpid(writer1, nullptr, 0);
  // The cap holds for a stream too: it stops reading as soon as the stream gives more.
  const pid_t writer2 = writer(100000);
  CHECK(message([&] { read_file_or_stream(fifo, 5000, "text"); }) ==
        "text: '" + fifo + "' gives more than the 5000 bytes allowed");
  kill(writer2, SIGKILL);
  waitpid(writer2, nullptr, 0);
  const std::string big = (dir / "big").string();
  write_file_atomically(big, std::string(200, 'x'));
  CHECK(message([&] { read_file(big, 100, "load"); }) ==
        "load: '" + big + "' is 200 bytes, more than the 100 allowed");
  fs::remove_all(dir);
}
