//! Confines a measured process to the CPU share Lambda gives a memory size, with a cgroup CPU
//! quota: Lambda allocates CPU in proportion to memory, one vCPU's worth at 1,769 MB
//! (https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html), so 256 MB gets
//! 256/1769 = 14.5% of one CPU. The quota is `share x period` of CPU time per period (CFS bandwidth
//! control), whatever the number of threads. cgroup v2 (`cpu.max`) when the cpu controller is on the
//! unified hierarchy, else cgroup v1 (`cpu.cfs_quota_us`); when neither can be written, the caller
//! runs unconfined and the report says so.
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::os::fd::AsRawFd;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::Command;

/// Lambda: one vCPU's worth of CPU at this many MB.
pub const MB_PER_VCPU: f64 = 1769.0;

/// The CPU share (of one CPU) Lambda gives `memory_mb`.
pub fn share(memory_mb: u32) -> f64 {
    memory_mb as f64 / MB_PER_VCPU
}

pub struct CpuJail {
    dir: PathBuf,
    procs: File,
    /// e.g. "cgroup v1 cpu.cfs_quota_us = 14470 us per 100000 us".
    pub describe: String,
}

impl CpuJail {
    /// A fresh cgroup limited to `share` of one CPU per `period_us`, or why it cannot be made.
    pub fn new(name: &str, share: f64, period_us: u64) -> Result<Self, String> {
        let quota = ((share * period_us as f64).round() as u64).max(1000);
        let v2 = PathBuf::from("/sys/fs/cgroup");
        let v2_cpu = std::fs::read_to_string(v2.join("cgroup.controllers")).map(|c| c.split_whitespace().any(|x| x == "cpu")).unwrap_or(false);
        let (dir, files, describe) = if v2_cpu {
            // The cpu controller must be enabled for children of the parent.
            let _ = std::fs::write(v2.join("cgroup.subtree_control"), "+cpu");
            let dir = v2.join(name);
            (dir, vec![("cpu.max", format!("{quota} {period_us}"))], format!("cgroup v2 cpu.max = {quota} us per {period_us} us"))
        } else {
            let root = ["/sys/fs/cgroup/cpu", "/sys/fs/cgroup/cpu,cpuacct"]
                .iter()
                .map(PathBuf::from)
                .find(|p| p.join("cpu.cfs_quota_us").exists())
                .ok_or("no cgroup v2 cpu controller and no cgroup v1 cpu hierarchy under /sys/fs/cgroup")?;
            let dir = root.join(name);
            (
                dir,
                vec![("cpu.cfs_period_us", period_us.to_string()), ("cpu.cfs_quota_us", quota.to_string())],
                format!("cgroup v1 cpu.cfs_quota_us = {quota} us per {period_us} us"),
            )
        };
        if !dir.exists() {
            std::fs::create_dir(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        for (f, v) in files {
            std::fs::write(dir.join(f), &v).map_err(|e| format!("cannot write {v} to {}/{f}: {e}", dir.display()))?;
        }
        let procs = OpenOptions::new().write(true).open(dir.join("cgroup.procs")).map_err(|e| format!("cannot open {}/cgroup.procs: {e}", dir.display()))?;
        Ok(CpuJail { dir, procs, describe })
    }

    /// A handle on this cgroup's `cgroup.procs`: writing a pid there moves that process (all its
    /// threads) into the cgroup.
    pub fn procs(&self) -> std::io::Result<File> {
        self.procs.try_clone()
    }

    /// Makes `cmd`'s process join this cgroup between fork and exec, so it is confined from its
    /// first instruction.
    pub fn confine(&self, cmd: &mut Command) {
        let fd = self.procs.as_raw_fd();
        // SAFETY: only async-signal-safe calls (write) between fork and exec; the fd stays open
        // for as long as `self` lives, which outlasts the spawn.
        unsafe {
            cmd.pre_exec(move || {
                // "0" moves the writing process (the child) into the cgroup.
                if libc::write(fd, b"0".as_ptr().cast(), 1) != 1 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
    }
}

impl Drop for CpuJail {
    fn drop(&mut self) {
        let _ = self.procs.flush();
        // Empty once the measured processes are gone (they are killed and reaped before this).
        let _ = std::fs::remove_dir(&self.dir);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn shares_follow_lambdas_memory_to_cpu_rule() {
        assert_eq!(format!("{:.3}", super::share(1769)), "1.000");
        assert_eq!(format!("{:.3}", super::share(256)), "0.145");
        assert_eq!(format!("{:.3}", super::share(128)), "0.072");
    }
}
