import { Cluster } from '../src/constructs/cluster';
import { IsolatedProject } from '../src/constructs/project';
import { ProjectService } from '../src/constructs/project-service';
import { uniqueId } from '../src/constructs/part';

describe('uniqueId', () => {
  test('gives every repeat of a name its own id, skipping ids already taken', () => {
    const project = new IsolatedProject(new Cluster('c'), 'p');
    const service = (name: string) => new ProjectService(project, name, { selector: { app: 'a' }, ports: [{ port: 80 }] });
    service('api');
    service('api~2');
    service('api');
    service('api');
    expect(project.node.children.map((c) => c.node.id)).toEqual(['api', 'api~2', 'api~3', 'api~4']);
    expect(uniqueId(project, 'web')).toBe('web');
  });

  test('every repeat is reported as a problem', () => {
    const cluster = new Cluster('c');
    const project = new IsolatedProject(cluster, 'p');
    for (let i = 0; i < 3; i++) new ProjectService(project, 'api', { selector: { app: 'a' }, ports: [{ port: 80 }] });
    expect(cluster.problems().filter((p) => /name "api" is used twice/.test(p.message))).toHaveLength(2);
  });
});
