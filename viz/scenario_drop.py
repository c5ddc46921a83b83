"""A drop zone for scenario files that also opens the file chooser when clicked (or tapped, on a
tablet or a phone), with a visible "Choose a file" button. Same upload protocol as Solara's
FileDrop (ipyvuetify's FileInput), its own template; the zone is cleared after every upload, so it
never shows a file that the scenario box does not.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable

import solara
import traitlets
from ipyvuetify.extra import FileInput

TEMPLATE = r"""
<template>
  <div ref="dropzone" class="solara-file-drop ss-drop" effectAllowed="move" @click="choose" role="button"
       tabindex="0" @keydown.enter="choose">
    <div class="ss-drop-label">{{ label }}</div>
    <input ref="picker" type="file" accept=".toml,text/plain,application/toml" class="ss-file-input"
           style="display: none" @change="picked" @click.stop />
    <button type="button" class="ss-file-button" @click.stop="choose">{{ button_label }}</button>
  </div>
</template>

<script>
module.exports = {
  mounted() {
    this.chunk_size = 1 * 1024 * 1024;
    this.$refs.dropzone.addEventListener('dragover', event => {
      event.preventDefault();
    });
    this.$refs.dropzone.addEventListener('drop', async event => {
      event.preventDefault();
      const nativeFiles = [...event.dataTransfer.files].slice(0, 1);
      this.take(nativeFiles);
    });
  },
  methods: {
    choose() {
      this.$refs.picker.click();
    },
    picked(event) {
      const files = [...event.target.files].slice(0, 1);
      this.take(files);
      event.target.value = '';
    },
    take(nativeFiles) {
      if (!nativeFiles.length) return;
      // kept by the widget's id: the read requests may reach another view of the same widget
      window.ssFiles = window.ssFiles || {};
      window.ssFiles[this.uid] = nativeFiles;
      this.file_info = nativeFiles.map(({name, size}) => ({name, isFile: true, size}));
    },
    jupyter_clear() {
      if (window.ssFiles) delete window.ssFiles[this.uid];
      this.file_info = [];
    },
    jupyter_read(chunk) {
      const {id, file_index, offset, length} = chunk;
      let to_do = length;
      let sub_offset = offset;
      (async () => {
        while (to_do > 0) {
          const sub_length = Math.min(to_do, this.chunk_size);
          const file = ((window.ssFiles || {})[this.uid] || [])[file_index];
          if (!file) return;
          const blob = file.slice(sub_offset, sub_offset + sub_length);
          const buff = await blob.arrayBuffer();
          const msg = {id, file_index, offset: sub_offset, length: sub_length};
          this.upload(msg, [buff]);
          to_do -= sub_length;
          sub_offset += sub_length;
        }
      })();
    }
  }
}
</script>

<style id="ss-file-drop">
.ss-drop {
  border: 1px dashed #78909c;
  border-radius: 6px;
  margin: 8px 0;
  padding: 8px;
  cursor: pointer;
  background: #fafbfc;
}
.ss-drop:hover { background: #eef3f8; }
.ss-drop-label { font-size: 0.9rem; color: #37474f; margin-bottom: 6px; }
.ss-file-button {
  border: 1px solid #1f5fa8; color: #1f5fa8; background: white; border-radius: 4px;
  padding: 2px 10px; font-size: 0.85rem; cursor: pointer;
}
</style>
"""


class ScenarioDropZone(FileInput):
    template = traitlets.Unicode(TEMPLATE).tag(sync=True)
    label = traitlets.Unicode().tag(sync=True)
    button_label = traitlets.Unicode().tag(sync=True)
    multiple = traitlets.Bool(False).tag(sync=True)
    uid = traitlets.Unicode().tag(sync=True)

    def __init__(self, **kwargs):
        super().__init__(uid=uuid.uuid4().hex, **kwargs)


@solara.component
def ScenarioDrop(label: str, button_label: str, on_file: Callable[[dict], None], classes: list[str] | None = None):
    """Calls ``on_file({"name", "size", "data"})`` once per chosen or dropped file (``data`` is
    None when the file is larger than fields.UPLOAD_MAX_BYTES: it is not read)."""
    if classes is None:
        classes = []
    from .fields import UPLOAD_MAX_BYTES

    zone = solara.use_memo(lambda: ScenarioDropZone(label=label, button_label=button_label), [])
    zone.label, zone.button_label = label, button_label
    wired, set_wired = solara.use_state(None)
    latest = solara.use_ref(on_file)
    latest.current = on_file

    def observe():
        def changed(change):
            if change["new"]:
                set_wired(list(change["new"]))       # files are read in the thread below

        zone.observe(changed, "file_info")
        return lambda: zone.unobserve(changed, "file_info")

    solara.use_effect(observe, [])

    def handle(cancel: threading.Event):
        if not wired:
            return
        files = zone.get_files()       # after every observer of file_info ran (they bump its version)
        if not files:
            return
        info = dict(files[0])
        size = int(info.get("size") or 0)
        try:
            info["data"] = info["file_obj"].read() if size <= UPLOAD_MAX_BYTES else None
            latest.current(info)
        finally:
            zone.file_info = []          # the zone shows its label again, whatever happened

    solara.use_thread(handle, [wired])
    with solara.Column(classes=list(classes), gap="0px") as main:
        solara.display(zone)
    return main
