(async () => {
  const spec = await (await fetch('/api/openapi.json')).json();
  const root = document.getElementById('api');
  root.textContent = '';
  const intro = document.createElement('p');
  intro.textContent = spec.info.description || '';
  root.appendChild(intro);
  const byTag = {};
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const tag = (op.tags && op.tags[0]) || 'other';
      (byTag[tag] = byTag[tag] || []).push({ path, method, op });
    }
  }
  for (const [tag, ops] of Object.entries(byTag)) {
    const heading = document.createElement('h2');
    heading.textContent = tag;
    root.appendChild(heading);
    for (const { path, method, op } of ops) {
      const box = document.createElement('details');
      const title = document.createElement('summary');
      const verb = document.createElement('span');
      verb.className = 'method ' + method;
      verb.textContent = method;
      const where = document.createElement('code');
      where.textContent = path;
      title.append(verb, where, ' — ' + (op.summary || ''));
      const body = document.createElement('pre');
      body.textContent = JSON.stringify({ parameters: op.parameters, requestBody: op.requestBody, responses: op.responses }, null, 2);
      box.append(title, body);
      root.appendChild(box);
    }
  }
  const schemas = document.createElement('details');
  schemas.innerHTML = '<summary>Schemas</summary>';
  const pre = document.createElement('pre');
  pre.textContent = JSON.stringify((spec.components || {}).schemas, null, 2);
  schemas.appendChild(pre);
  root.appendChild(schemas);
})();
